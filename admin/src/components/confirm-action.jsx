import React, { useEffect, useState } from 'react';
import { Box, Button, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';

const api = new ApiClient();
const pending = /^(sent|waiting)/;

// The page of an action that changes something: it says what a click does, posts it, and shows the
// outcome (a replay's is followed until the worker has decided). Nothing happens by opening the page.
const ConfirmAction = ({ action, record, records, resource }) => {
  const { confirm, button, variant, outcomeParam, goneOutcome } = action.custom;
  const [result, setResult] = useState(null);
  const [current, setCurrent] = useState(record);
  const [busy, setBusy] = useState(false);
  const ids = (records ?? []).map((r) => r.id);

  const run = async () => {
    setBusy(true);
    try {
      const request = { resourceId: resource.id, actionName: action.name, method: 'post', data: { confirmed: 'true' } };
      const response = record
        ? await api.recordAction({ ...request, recordId: record.id })
        : await api.bulkAction({ ...request, recordIds: ids });
      setResult(response.data.notice ?? { type: 'success', message: 'Done' });
      if (response.data.record) setCurrent(response.data.record);
    } catch (e) {
      setResult({ type: 'error', message: e.message });
    } finally {
      setBusy(false);
    }
  };

  // follows the outcome (a replay waiting for the worker) for a while, once a second
  const outcome = outcomeParam && current?.params[outcomeParam];
  useEffect(() => {
    if (!result || !record || !outcome || !pending.test(outcome)) return undefined;
    const timer = setTimeout(async () => {
      const response = await api.recordAction({ resourceId: resource.id, recordId: record.id, actionName: 'show' }).catch((e) => e.response ?? null);
      if (response?.data?.record) setCurrent({ ...response.data.record });
      // gone while pending: the record moved (a replayed error that passed now lives in events)
      else if (response?.status === 404 && goneOutcome) setCurrent({ ...current, params: { ...current.params, [outcomeParam]: goneOutcome } });
    }, 1000);
    return () => clearTimeout(timer);
  }, [result, current]);

  return (
    <Box variant="container">
      <Text mb="lg">{confirm}</Text>
      {record && <Text mb="lg" data-css="confirm-subject">{record.title}</Text>}
      {!record && <Text mb="lg">{ids.length} selected</Text>}
      {!result && (
        <Button variant={variant === 'danger' ? 'danger' : 'contained'} disabled={busy} onClick={run} data-confirm={action.name}>
          {button}
        </Button>
      )}
      {result && <MessageBox mt="lg" variant={result.type === 'error' ? 'danger' : 'success'} message={result.message} />}
      {result && outcome && (
        <Box mt="lg" data-outcome={outcome}>
          <Text>Outcome: {outcome}</Text>
        </Box>
      )}
      {result && record && (
        <Box mt="lg">
          <a href={`${window.location.pathname.replace(/\/[^/]+$/, '')}/show`}>Back to the record</a>
        </Box>
      )}
    </Box>
  );
};

export default ConfirmAction;
