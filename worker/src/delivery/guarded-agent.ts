import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { refusedAddress } from '@argus/shared';
import { Agent } from 'undici';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * An HTTP agent that checks the address it actually connects to against the destination address
 * rule, after DNS: a name that resolves (or later rebinds) to a refused address fails to connect,
 * with the reason as the error. IP literals never reach a lookup; the sender checks those itself.
 */
export function createGuardedAgent(options: { allowPrivateNetworks: boolean }): Agent {
  const guardedLookup = (hostname: string, lookupOptions: LookupOptions, callback: LookupCallback) => {
    lookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const { address } of addresses) {
        const refused = refusedAddress(address, options);
        if (refused) return callback(Object.assign(new Error(`refused address for ${hostname}: ${refused}`), { code: undefined }), []);
      }
      if (lookupOptions.all) return callback(null, addresses);
      const [first] = addresses;
      return callback(null, first!.address, first!.family);
    });
  };
  return new Agent({ connect: { lookup: guardedLookup as never } });
}
