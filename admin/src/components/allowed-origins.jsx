import React, { useState } from 'react';
import { Box, Button, Label, MessageBox, Text, TextArea } from '@adminjs/design-system';
import { ApiClient, flat } from 'adminjs';

const api = new ApiClient();
const originsOf = (record) => flat.get(record.params, 'allowedOrigins') ?? null;

// The origins whose pages may send with the application's keys, one per line; the api refuses a
// browser request from any other (403 origin_not_allowed). No line: any origin may send.
const AllowedOrigins = ({ record, resource, action }) => {
  const [text, setText] = useState((originsOf(record) ?? []).join('\n'));
  const [result, setResult] = useState(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    setBusy(true);
    try {
      const response = await api.recordAction({
        resourceId: resource.id,
        recordId: record.id,
        actionName: action.name,
        method: 'post',
        data: { allowedOrigins: text },
      });
      setResult(response.data.notice ?? { type: 'success', message: 'Saved' });
      if (response.data.record && response.data.notice?.type !== 'error') setText((originsOf(response.data.record) ?? []).join('\n'));
    } catch (e) {
      setResult({ type: 'error', message: e.message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box variant="container">
      <Text mb="lg">Application {record.title}</Text>
      <Label htmlFor="allowed-origins">Allowed origins, one per line (such as https://shop.example.com); none: any origin may send</Label>
      <TextArea id="allowed-origins" width={1} rows={8} style={{ fontFamily: 'monospace' }} value={text} onChange={(e) => setText(e.target.value)} />
      <Text mt="default" variant="sm">
        A page of another origin is refused when it sends with this application's keys (servers send no origin and are not affected). The api applies a change within seconds.
      </Text>
      <Button mt="lg" variant="contained" disabled={busy} onClick={save} data-save-origins>Save allowed origins</Button>
      {result && <MessageBox mt="lg" variant={result.type === 'error' ? 'danger' : 'success'} message={result.message} data-origins-notice />}
    </Box>
  );
};

export default AllowedOrigins;
