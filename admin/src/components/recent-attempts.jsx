import React from 'react';
import { Box, H5, Text } from '@adminjs/design-system';
import { formatTime } from '../time-format';

// The destination's recent delivery attempts (time, status, duration, start of the answer), newest
// first, from `record.params.recentAttempts` once the worker records attempts one by one. Until then
// the section says what is known: the last success and the last failure the worker reported.
const RecentAttempts = ({ record }) => {
  const attempts = record.params.recentAttempts;
  const p = record.params;
  return (
    <Box variant="card" p="lg" mb="xl" data-recent-attempts>
      <H5>Recent delivery attempts</H5>
      {Array.isArray(attempts) && attempts.length > 0 ? (
        <table className="argus-table">
          <thead><tr><th>Time</th><th>Status</th><th>Duration</th><th>Answer</th></tr></thead>
          <tbody>
            {attempts.map((a) => (
              <tr key={a.id}><td>{formatTime(a.at, true)}</td><td>{a.status ?? a.error}</td><td>{a.durationMs} ms</td><td className="argus-wrap">{a.answer}</td></tr>
            ))}
          </tbody>
        </table>
      ) : (
        <Text>
          Attempts are not kept one by one. Last success: {formatTime(p.lastSuccessAt) || 'never'}; last failure: {formatTime(p.lastFailureAt) || 'never'}
          {p.lastFailureAt ? ` (${p.lastFailureStatus ?? 'no answer'}${p.lastFailureError ? `: ${p.lastFailureError}` : ''})` : ''}.
        </Text>
      )}
    </Box>
  );
};

export default RecentAttempts;
