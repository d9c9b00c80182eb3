import React from 'react';
import { Box, H5, Text } from '@adminjs/design-system';
import { formatTime } from '../time-format';

const Figure = ({ label, value }) => (
  <Box mr="xl" mb="lg" style={{ minWidth: 140 }}>
    <Text variant="sm" color="grey60">{label}</Text>
    <Text data-backlog={label} style={{ fontSize: 22, fontWeight: 500 }}>{value}</Text>
  </Box>
);

// What is still to be delivered to this destination, and what never will be.
const DestinationBacklog = ({ record }) => {
  const p = record.params;
  return (
    <Box variant="card" p="lg" mb="xl">
      <H5>Backlog</H5>
      <Box flex flexWrap="wrap">
        <Figure label="In its queue" value={p.queueDepth ?? 'unknown'} />
        <Figure label="Sessions held back" value={p.heldSessions ?? 0} />
        <Figure label="Events held back" value={p.heldEvents ?? 0} />
        <Figure label="Dead letters" value={p.deadLetters ?? 0} />
        <Figure label="Oldest waiting event" value={formatTime(p.oldestWaitingAt) || '—'} />
      </Box>
    </Box>
  );
};

export default DestinationBacklog;
