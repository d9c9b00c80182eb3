import React, { useEffect, useState } from 'react';
import { Box, Button, H2, H5, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatTime } from '../time-format';
import ApplicationSelect from './application-select';

const api = new ApiClient();
const windows = [['1h', '1 h'], ['24h', '24 h'], ['7d', '7 d']];
const refreshMs = 10_000;

const Figure = ({ label, value, detail, warn }) => (
  <Box variant="card" p="lg" style={{ flex: '1 1 150px', borderTop: `3px solid ${warn ? '#dc2626' : '#2563eb'}` }}>
    <Text variant="sm" color="grey60" style={{ whiteSpace: 'nowrap' }}>{label}</Text>
    <Text data-figure={label} style={{ fontSize: 26, fontWeight: 500, marginTop: 8 }}>{value}</Text>
    {detail && <Text variant="sm" color="grey60">{detail}</Text>}
  </Box>
);

// Tick labels in UTC: minutes for an hour, hours for a day, days and hours for a week.
const tickOf = (window) => (at) => {
  const text = new Date(at).toISOString();
  return window === '7d' ? `${text.slice(5, 10)} ${text.slice(11, 13)}h` : text.slice(11, 16);
};
const bucketWords = (seconds) => (seconds < 3600 ? `${seconds / 60} min` : `${seconds / 3600} h`);

const Chart = ({ stats }) => (
  <Box data-chart style={{ width: '100%', height: 300 }}>
    <ResponsiveContainer>
      <BarChart data={stats.series} margin={{ top: 10, right: 20, bottom: 30, left: 10 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="at" tickFormatter={tickOf(stats.window)} minTickGap={24} label={{ value: 'time (UTC)', position: 'insideBottom', offset: -20 }} />
        <YAxis allowDecimals={false} label={{ value: `events per ${bucketWords(stats.bucketSeconds)}`, angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }} />
        <Tooltip labelFormatter={(at) => formatTime(at)} />
        <Legend verticalAlign="top" height={28} />
        <Bar dataKey="received" name="stored" stackId="events" fill="#2563eb" isAnimationActive={false} />
        <Bar dataKey="invalid" name="invalid" stackId="events" fill="#dc2626" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  </Box>
);

const Destinations = ({ destinations }) => (
  <Box variant="card" p="lg" mt="lg">
    <H5>Destinations</H5>
    {destinations.length === 0 ? (
      <Text>No destinations yet.</Text>
    ) : (
      <table className="argus-table" data-destinations>
        <thead>
          <tr><th>Name</th><th>State</th><th>In its queue</th><th>Held</th><th>Dead letters</th><th>Last failure</th></tr>
        </thead>
        <tbody>
          {destinations.map((d) => (
            <tr key={d.id}>
              <td><a href={`${window.location.pathname.replace(/\/?$/, '')}/resources/destinations/records/${d.id}/show`}>{d.name}</a></td>
              <td><span className={`argus-state argus-state-${d.state}`}>{d.state}</span></td>
              <td>{d.queueDepth ?? 'unknown'}</td>
              <td>{d.heldEvents}</td>
              <td>{d.deadLetters}</td>
              <td>{formatTime(d.lastFailureAt) || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </Box>
);

// "Is everything flowing?": arrivals and refusals over a window, the ingest queue, and each destination's backlog.
const Dashboard = () => {
  const [query, setQuery] = useState({ window: '1h', applicationId: '' });
  const [stats, setStats] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let stopped = false;
    const load = () =>
      api
        .getDashboard({ params: { window: query.window, ...(query.applicationId ? { applicationId: query.applicationId } : {}) } })
        .then((response) => !stopped && (setStats(response.data), setError(null)))
        .catch((e) => !stopped && setError(e.message));
    load();
    const timer = setInterval(load, refreshMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [query.window, query.applicationId]);
  if (!stats) return <Box p="xl">{error ? <MessageBox variant="danger" message={`The figures could not be loaded: ${error}`} /> : <Text>Loading…</Text>}</Box>;
  const rate = stats.invalidRate === null ? '–' : `${(stats.invalidRate * 100).toFixed(1)} %`;
  const { ingest } = stats;
  const windowWords = windows.find(([key]) => key === stats.window)[1];
  return (
    <Box p="xl">
      {error && <MessageBox mb="lg" variant="danger" message={`The figures could not be refreshed: ${error}`} />}
      <Box flex alignItems="center" mb="lg" style={{ gap: 12, flexWrap: 'wrap' }}>
        <H2 mb="0" mr="lg">Is everything flowing?</H2>
        {windows.map(([key, label]) => (
          <Button key={key} size="sm" variant={query.window === key ? 'contained' : 'outlined'} data-window={key} onClick={() => setQuery({ ...query, window: key })}>
            {label}
          </Button>
        ))}
        <Label htmlFor="dashboard-application" ml="lg" mb="0">Application</Label>
        <ApplicationSelect id="dashboard-application" value={query.applicationId} onChange={(applicationId) => setQuery({ ...query, applicationId })} />
      </Box>
      <Box flex flexWrap="wrap" mb="lg" style={{ gap: 16 }}>
        <Figure label="Stored" value={stats.received} detail={`last ${windowWords}`} />
        <Figure label="Invalid" value={stats.invalid} detail={`${rate} of arrivals`} warn={stats.invalid > 0} />
        <Figure label="Ingest queue" value={ingest.queueDepth ?? 'unknown'} detail="waiting for the worker" warn={ingest.queueDepth === null} />
        <Figure label="Consumers" value={ingest.consumers ?? 'unknown'} detail="worker on the queue" warn={!ingest.consumers} />
        <Figure label="Ingest lag" value={ingest.lagSeconds === null ? '–' : `${ingest.lagSeconds.toFixed(1)} s`} detail="received → stored, 5 min" />
        <Figure label="Dead-lettered" value={ingest.deadLetterDepth ?? 'unknown'} detail="not envelopes, refused" warn={ingest.deadLetterDepth > 0} />
      </Box>
      <Box variant="card" p="lg">
        <H5>Events per {bucketWords(stats.bucketSeconds)}, last {windowWords}</H5>
        <Chart stats={stats} />
      </Box>
      <Destinations destinations={stats.destinations} />
    </Box>
  );
};

export default Dashboard;
