// A web page's use of Segment's browser library, pointed at Argus. Bundled by esbuild for the
// browser test; the page gives its settings in `window.argus` before this script runs.
import { AnalyticsBrowser } from '@segment/analytics-next';

const { apiHost, writeKey, beaconMessageId } = window.argus;
const analytics = AnalyticsBrowser.load(
  {
    writeKey,
    // settings given here: the library fetches nothing from Segment's CDN
    cdnSettings: { integrations: { 'Segment.io': { apiKey: writeKey, apiHost: `${apiHost}/v1`, protocol: 'http' } } },
  },
  { disableClientPersistence: true },
);

window.sent = (async () => {
  const tracked = await analytics.track('Order Completed', { total: 42.5 });
  const paged = await analytics.page('Pricing', { path: '/pricing' });
  const [ajs] = await analytics;
  return { messageIds: [tracked.event.messageId, paged.event.messageId], anonymousId: ajs.user().anonymousId(), failed: [tracked, paged].map((ctx) => ctx.failedDelivery() ?? null) };
})();

// a beacon carries no header: the key travels in the text/plain body
addEventListener('pagehide', () => {
  navigator.sendBeacon(`http://${apiHost}/v1/track`, JSON.stringify({ writeKey, messageId: beaconMessageId, anonymousId: 'beacon-visitor', event: 'Page Hidden' }));
});
