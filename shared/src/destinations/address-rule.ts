import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/**
 * The setting of the api and the worker: whether destinations may point at loopback and private
 * networks. Unset, it is on outside production (receivers on this machine while developing) and
 * off in production.
 */
export const destinationNetworkShape = {
  DESTINATION_ALLOW_PRIVATE_NETWORKS: z.stringbool().optional(),
};

export const allowsPrivateNetworks = (config: { NODE_ENV: string; DESTINATION_ALLOW_PRIVATE_NETWORKS?: boolean | undefined }): boolean =>
  config.DESTINATION_ALLOW_PRIVATE_NETWORKS ?? config.NODE_ENV !== 'production';

const blockList = (ranges: [string, number, 'ipv4' | 'ipv6'][]) => {
  const list = new BlockList();
  for (const [network, prefix, family] of ranges) list.addSubnet(network, prefix, family);
  return list;
};

/** Never a receiver: link-local (cloud metadata services live there), unspecified, multicast, broadcast. */
const alwaysRefused = blockList([
  ['169.254.0.0', 16, 'ipv4'],
  ['0.0.0.0', 8, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['100.100.100.200', 32, 'ipv4'], // a cloud's metadata service outside link-local
  ['fe80::', 10, 'ipv6'],
  ['::', 128, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
  ['fd00:ec2::254', 128, 'ipv6'], // a cloud's metadata service over IPv6
]);

/** Loopback and private ranges: this machine and the networks behind it, refused unless the setting allows them. */
const privateRanges = blockList([
  ['127.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
]);

/** Why a receiver at this IP address is refused, or null when it is not. An IPv4 address inside IPv6 (`::ffff:a.b.c.d`) is judged as IPv4. */
export function refusedAddress(address: string, options: { allowPrivateNetworks: boolean }): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (alwaysRefused.check(ip, family)) return `${address} is a link-local, metadata or otherwise reserved address`;
  if (!options.allowPrivateNetworks && privateRanges.check(ip, family)) {
    return `${address} is a loopback or private address (DESTINATION_ALLOW_PRIVATE_NETWORKS is off)`;
  }
  return null;
}

/**
 * Why a destination URL is refused, judged by what it names: an IP address (in any spelling the
 * URL parser reads, `0x7f000001` is 127.0.0.1) or `localhost`. Other names are judged on the
 * address actually connected to, at each delivery, so that a DNS answer cannot rebind past this.
 */
export function refusedUrl(url: string, options: { allowPrivateNetworks: boolean }): string | null {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) return refusedAddress(host, options);
  if (host === 'localhost' || host.endsWith('.localhost')) return refusedAddress('127.0.0.1', options) && `${host} is this machine, a loopback address (DESTINATION_ALLOW_PRIVATE_NETWORKS is off)`;
  return null;
}
