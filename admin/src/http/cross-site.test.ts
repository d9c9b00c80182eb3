import { isCrossSiteWrite } from './cross-site.js';

describe('isCrossSiteWrite', () => {
  const post = { method: 'POST', host: '127.0.0.1:8001', secFetchSite: undefined, origin: undefined };

  it('lets the panel post to itself', () => {
    expect(isCrossSiteWrite({ ...post, secFetchSite: 'same-origin', origin: 'http://127.0.0.1:8001' })).toBe(false);
    expect(isCrossSiteWrite({ ...post, origin: 'http://127.0.0.1:8001' })).toBe(false);
  });

  it('refuses a post from another port of the same host, which is the same site', () => {
    expect(isCrossSiteWrite({ ...post, secFetchSite: 'same-site', origin: 'http://127.0.0.1:9999' })).toBe(true);
    expect(isCrossSiteWrite({ ...post, origin: 'http://127.0.0.1:9999' })).toBe(true);
  });

  it('refuses a post from another site, and from an opaque origin', () => {
    expect(isCrossSiteWrite({ ...post, secFetchSite: 'cross-site' })).toBe(true);
    expect(isCrossSiteWrite({ ...post, origin: 'null' })).toBe(true);
  });

  it('trusts Sec-Fetch-Site over an Origin that happens to match', () => {
    expect(isCrossSiteWrite({ ...post, secFetchSite: 'same-site', origin: 'http://127.0.0.1:8001' })).toBe(true);
  });

  it('leaves reads alone (nothing in the panel changes state on a GET), and clients that are not browsers', () => {
    expect(isCrossSiteWrite({ ...post, method: 'GET', secFetchSite: 'cross-site' })).toBe(false);
    expect(isCrossSiteWrite(post)).toBe(false);
  });
});
