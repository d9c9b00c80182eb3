import React, { useState } from 'react';
import { Box, Button, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';

const api = new ApiClient();

// Sends a destination the stored events from a time on, again, in timestamp order.
const ReplayDestination = ({ record, resource }) => {
  const [from, setFrom] = useState(new Date(Date.now() - 60 * 60 * 1000).toISOString());
  const [result, setResult] = useState(null);

  const replay = async () => {
    try {
      const response = await api.recordAction({ resourceId: resource.id, recordId: record.id, actionName: 'replay', method: 'post', data: { from } });
      setResult(response.data.notice);
    } catch (e) {
      setResult({ type: 'error', message: e.message });
    }
  };

  return (
    <Box variant="container">
      <Text mb="lg">Destination {record.title}: replays the stored events its filter matches, from this time on, behind what its queue holds.</Text>
      <Label>From (ISO 8601)</Label>
      <Input id="replay-from" width={1} value={from} onChange={(e) => setFrom(e.target.value)} />
      <Button mt="lg" variant="contained" onClick={replay}>Replay</Button>
      {result && <MessageBox mt="lg" variant={result.type === 'success' ? 'success' : 'danger'} message={result.message} />}
    </Box>
  );
};

export default ReplayDestination;
