import React, { useEffect, useState } from 'react';
import { Box, H2, H5, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';

const api = new ApiClient();

const Figure = ({ label, value }) => (
  <Box variant="card" p="lg" mr="lg" mb="lg" style={{ minWidth: 180 }}>
    <H5>{label}</H5>
    <H2 data-figure={label}>{value}</H2>
  </Box>
);

// The last hour, one bar per minute, scaled to the busiest minute.
const PerMinuteChart = ({ perMinute }) => {
  const busiest = Math.max(1, ...perMinute.map((m) => m.count));
  return (
    <svg width="100%" height="120" viewBox={`0 0 ${perMinute.length * 10} 100`} preserveAspectRatio="none" role="img" aria-label="events per minute">
      {perMinute.map((m, i) => {
        const height = (m.count / busiest) * 100;
        return (
          <rect key={m.minute} x={i * 10 + 1} y={100 - height} width="8" height={height} fill="#4268F6">
            <title>{`${m.minute}: ${m.count}`}</title>
          </rect>
        );
      })}
    </svg>
  );
};

const Dashboard = () => {
  const [stats, setStats] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api
      .getDashboard()
      .then((response) => setStats(response.data))
      .catch((e) => setError(e.message));
  }, []);
  if (error) return <Box p="xl"><MessageBox variant="danger" message={`The figures could not be loaded: ${error}`} /></Box>;
  if (!stats) return <Box p="xl"><Text>Loading…</Text></Box>;
  const rate = stats.invalidRate === null ? '–' : `${(stats.invalidRate * 100).toFixed(1)} %`;
  return (
    <Box p="xl">
      <H2>Argus</H2>
      <Box flex flexWrap="wrap">
        <Figure label="Events, last hour" value={stats.eventsLastHour} />
        <Figure label="Events, last day" value={stats.eventsLastDay} />
        <Figure label="Invalid, last day" value={rate} />
        <Figure label="Waiting in queue" value={stats.queueDepth ?? 'unknown'} />
        <Figure label="Dead-lettered" value={stats.deadLetterDepth ?? 'unknown'} />
      </Box>
      <Box variant="card" p="lg">
        <H5>Events received per minute, last hour</H5>
        <PerMinuteChart perMinute={stats.perMinute} />
      </Box>
    </Box>
  );
};

export default Dashboard;
