import { createHash } from 'node:crypto';

/**
 * RFC 9562's name-based UUID (version 5, SHA-1): the same name in the same namespace always gives
 * the same id, so anyone can compute it (`uuid.v5(name, namespace)` in most languages).
 */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(namespaceBytes(namespace)).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// a request's calls share their application's namespace: its bytes are made once
let lastNamespace = { text: '', bytes: Buffer.alloc(16) };
function namespaceBytes(namespace: string): Buffer {
  if (lastNamespace.text !== namespace) lastNamespace = { text: namespace, bytes: Buffer.from(namespace.replace(/-/g, ''), 'hex') };
  return lastNamespace.bytes;
}
