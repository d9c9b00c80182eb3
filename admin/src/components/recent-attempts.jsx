import React from 'react';
import { Box, H5, Text } from '@adminjs/design-system';
import { formatTime } from '../time-format';

// The destination's delivery state and its recent delivery attempts (time, status, duration, start
// of the answer), newest first, as the worker records them (`recentAttempts`, JSON text).
const RecentAttempts = ({ record }) => {
  const p = record.params;
  const attempts = typeof p.recentAttempts === 'string' ? JSON.parse(p.recentAttempts) : [];
  return (
    <Box variant="card" p="lg" mb="xl" data-recent-attempts>
      <H5>Recent delivery attempts</H5>
      <Text mb="default" data-delivery-state>{p.delivery}</Text>
      {Array.isArray(attempts) && attempts.length > 0 ? (
        <table className="argus-table">
          <thead><tr><th>Time</th><th>Status</th><th>Duration</th><th>Answer</th></tr></thead>
          <tbody>
            {attempts.map((a, index) => (
              <tr key={index}><td>{formatTime(a.at, true)}</td><td>{a.status ?? 'no answer'}</td><td>{a.durationMs} ms</td><td className="argus-wrap">{a.answer}</td></tr>
            ))}
          </tbody>
        </table>
      ) : (
        <Text>
          No delivery attempt yet. Last success: {formatTime(p.lastSuccessAt) || 'never'}; last failure: {formatTime(p.lastFailureAt) || 'never'}
          {p.lastFailureAt ? ` (${p.lastFailureStatus ?? 'no answer'}${p.lastFailureError ? `: ${p.lastFailureError}` : ''})` : ''}.
        </Text>
      )}
    </Box>
  );
};

export default RecentAttempts;
