import { allowsPrivateNetworks, refusedAddress, refusedUrl } from './address-rule.js';

const strict = { allowPrivateNetworks: false };
const lenient = { allowPrivateNetworks: true };

describe('destination address rule', () => {
  it('always refuses link-local and metadata addresses, whatever the spelling', () => {
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://[fe80::1]/', 'http://0.0.0.0:8000/', 'http://[::ffff:169.254.169.254]/', 'http://0xa9fea9fe/', 'http://[fd00:ec2::254]/']) {
      expect(refusedUrl(url, lenient)).toMatch(/link-local, metadata or otherwise reserved/);
    }
  });

  it('refuses loopback and private ranges unless allowed, including this machine by name and in hex', () => {
    for (const url of ['http://127.0.0.1:5432/', 'http://[::1]:5432/', 'http://0x7f000001/', 'http://2130706433/', 'http://localhost:3001/', 'http://10.1.2.3/', 'http://172.20.0.1/', 'http://192.168.1.1/', 'http://[fd12::1]/', 'http://[::ffff:127.0.0.1]/']) {
      expect(refusedUrl(url, strict)).toMatch(/DESTINATION_ALLOW_PRIVATE_NETWORKS is off/);
      expect(refusedUrl(url, lenient)).toBeNull();
    }
  });

  it('accepts public addresses and leaves names to the check on the address connected to', () => {
    expect(refusedUrl('https://93.184.216.34/hook', strict)).toBeNull();
    expect(refusedUrl('https://[2606:2800:220:1::1]/hook', strict)).toBeNull();
    expect(refusedUrl('https://hooks.example.com/argus', strict)).toBeNull();
    expect(refusedAddress('172.32.0.1', strict)).toBeNull();
  });

  it('allows private networks outside production unless told otherwise', () => {
    expect(allowsPrivateNetworks({ NODE_ENV: 'development' })).toBe(true);
    expect(allowsPrivateNetworks({ NODE_ENV: 'test' })).toBe(true);
    expect(allowsPrivateNetworks({ NODE_ENV: 'production' })).toBe(false);
    expect(allowsPrivateNetworks({ NODE_ENV: 'production', DESTINATION_ALLOW_PRIVATE_NETWORKS: true })).toBe(true);
    expect(allowsPrivateNetworks({ NODE_ENV: 'development', DESTINATION_ALLOW_PRIVATE_NETWORKS: false })).toBe(false);
  });
});
