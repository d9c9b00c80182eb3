import React, { useState } from 'react';
import { Box, Button, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';

const api = new ApiClient();

// Issues a token for the application and shows it once, with a copy button: it is never stored.
const IssueToken = ({ record, resource }) => {
  const [scopes, setScopes] = useState('write');
  const [issued, setIssued] = useState(null);
  const [error, setError] = useState(null);

  const issue = async () => {
    setError(null);
    try {
      const response = await api.recordAction({
        resourceId: resource.id,
        recordId: record.id,
        actionName: 'issueToken',
        method: 'post',
        data: { scopes },
      });
      if (response.data.token) setIssued(response.data);
      else setError(response.data.notice?.message ?? 'not issued');
    } catch (e) {
      setError(e.message);
    }
  };

  return (
    <Box variant="container">
      <Text mb="lg">Application {record.title}</Text>
      {issued ? (
        <Box>
          <MessageBox mb="lg" variant="info" message="Copy this token now: it is not shown again." />
          <Label>Token (id {issued.tokenId})</Label>
          <Input id="issued-token" readOnly width={1} value={issued.token} onFocus={(e) => e.target.select()} />
          <Button mt="lg" onClick={() => navigator.clipboard.writeText(issued.token)}>Copy</Button>
        </Box>
      ) : (
        <Box>
          <Label>Scopes (comma separated: write, read, schema, admin)</Label>
          <Input id="token-scopes" width={1} value={scopes} onChange={(e) => setScopes(e.target.value)} />
          <Button mt="lg" variant="contained" onClick={issue}>Issue token</Button>
          {error && <MessageBox mt="lg" variant="danger" message={error} />}
        </Box>
      )}
    </Box>
  );
};

export default IssueToken;
