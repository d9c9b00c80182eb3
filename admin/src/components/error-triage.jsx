import React, { useEffect, useState } from 'react';
import { Box, Button, H2, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';
import { formatTime } from '../time-format';

const api = new ApiClient();
const root = () => window.location.pathname.replace(/\/pages\/.*$/, '');
const keyOf = (g) => JSON.stringify([g.applicationId, g.category, g.name, g.path, g.message]);
const groupOf = ({ applicationId, category, name, path, message }) => ({ applicationId, category, name, path, message });

// The top reasons events were refused, grouped by application, kind and reason; the events behind a
// group, and a replay of the whole group once its rule is fixed, with what came of it.
const ErrorTriage = () => {
  const [groups, setGroups] = useState(null);
  const [open, setOpen] = useState(null);
  const [events, setEvents] = useState([]);
  const [notice, setNotice] = useState(null);
  const [error, setError] = useState(null);

  const load = () =>
    api
      .getPage({ pageName: 'triage' })
      .then((response) => setGroups(response.data.groups))
      .catch((e) => setError(e.message));
  useEffect(() => {
    load();
    const timer = setInterval(load, 3000); // follows replays through the worker
    return () => clearInterval(timer);
  }, []);

  const post = (data) => api.getPage({ pageName: 'triage', method: 'post', data });
  const show = async (group) => {
    if (open === keyOf(group)) return setOpen(null);
    setOpen(keyOf(group));
    setEvents([]);
    const response = await post({ do: 'events', group: JSON.stringify(groupOf(group)) }).catch((e) => setError(e.message));
    if (response) setEvents(response.data.events);
  };
  const replay = async (group) => {
    setNotice(null);
    try {
      const response = await post({ do: 'replay', group: JSON.stringify(groupOf(group)) });
      setNotice(response.data.notice);
      load();
    } catch (e) {
      setNotice({ type: 'error', message: e.message });
    }
  };

  if (error && !groups) return <Box p="xl"><MessageBox variant="danger" message={`The reasons could not be loaded: ${error}`} /></Box>;
  if (!groups) return <Box p="xl"><Text>Loading…</Text></Box>;
  return (
    <Box p="xl">
      <H2>Error triage</H2>
      <Text mb="lg">Why events were refused in the last 7 days, most frequent first. Fix the rule (a schema, the client), then replay the group.</Text>
      {notice && <MessageBox mb="lg" variant={notice.type === 'error' ? 'danger' : 'success'} message={notice.message} data-notice />}
      {groups.length === 0 ? (
        <Text>No invalid events in the last 7 days.</Text>
      ) : (
        <table className="argus-table" data-triage>
          <thead>
            <tr><th>Events</th><th>Application</th><th>Category</th><th>Name</th><th>Reason</th><th>Last seen</th><th>Replays</th><th /></tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <React.Fragment key={keyOf(g)}>
                <tr data-group={`${g.path}: ${g.message}`}>
                  <td><a href="#" onClick={(e) => { e.preventDefault(); show(g); }}>{g.count} {open === keyOf(g) ? '▾' : '▸'}</a></td>
                  <td>{g.application}</td>
                  <td>{g.category ?? '—'}</td>
                  <td>{g.name ?? '—'}</td>
                  <td className="argus-wrap">{g.path}: {g.message}</td>
                  <td>{formatTime(g.lastSeen)}</td>
                  <td data-replays>{g.waiting > 0 && `${g.waiting} waiting for the worker`}{g.waiting > 0 && g.failedAgain > 0 && ', '}{g.failedAgain > 0 && `${g.failedAgain} failed again`}</td>
                  <td><Button size="sm" variant="outlined" onClick={() => replay(g)} data-replay-group>Replay group</Button></td>
                </tr>
                {open === keyOf(g) && (
                  <tr>
                    <td colSpan={8}>
                      {events.map((e) => (
                        <a key={e.id} className="argus-chip" href={`${root()}/resources/event_errors/records/${e.id}/show`}>{formatTime(e.receivedAt)} · {e.eventId.slice(0, 8)}</a>
                      ))}
                    </td>
                  </tr>
                )}
              </React.Fragment>
            ))}
          </tbody>
        </table>
      )}
    </Box>
  );
};

export default ErrorTriage;
