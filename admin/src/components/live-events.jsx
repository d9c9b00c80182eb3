import React, { useEffect, useState } from 'react';
import { Box, H2, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';
import { formatTime } from '../time-format';
import ApplicationSelect from './application-select';

const api = new ApiClient();
const pollMs = 1000;
const root = () => window.location.pathname.replace(/\/pages\/.*$/, '');

// Events as they are stored, newest first, invalid ones marked with their reasons. The page asks once
// a second while it is open (and the tab visible); nobody watching costs nothing.
const LiveEvents = () => {
  const [filter, setFilter] = useState({ applicationId: '', category: '', name: '', userId: '', anonymousId: '' });
  const [events, setEvents] = useState(null);
  const [error, setError] = useState(null);
  const [paused, setPaused] = useState(false);

  useEffect(() => {
    if (paused) return undefined;
    let stopped = false;
    let timer;
    const poll = async () => {
      if (document.visibilityState !== 'hidden') {
        try {
          const params = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== ''));
          const response = await api.getPage({ pageName: 'live', params });
          if (!stopped) {
            setEvents(response.data.events);
            setError(null);
          }
        } catch (e) {
          if (!stopped) setError(e.message);
        }
      }
      if (!stopped) timer = setTimeout(poll, pollMs);
    };
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [paused, filter.applicationId, filter.category, filter.name, filter.userId, filter.anonymousId]);

  const field = (key, label, placeholder) => (
    <Box mr="lg">
      <Label htmlFor={`live-${key}`}>{label}</Label>
      <Input id={`live-${key}`} placeholder={placeholder} value={filter[key]} onChange={(e) => setFilter({ ...filter, [key]: e.target.value })} />
    </Box>
  );

  return (
    <Box p="xl">
      <H2>Live events</H2>
      <Text mb="lg">The newest 50 events as the worker stores them, newest first, refreshed every second while this page is open.</Text>
      <Box flex alignItems="flex-end" mb="lg" style={{ flexWrap: 'wrap' }}>
        <Box mr="lg">
          <Label htmlFor="live-applicationId">Application</Label>
          <ApplicationSelect id="live-applicationId" value={filter.applicationId} onChange={(applicationId) => setFilter({ ...filter, applicationId })} />
        </Box>
        {field('category', 'Category (exact)', 'page interaction')}
        {field('name', 'Name (exact)', 'pageview')}
        {field('userId', 'User id (exact)', 'ada')}
        {field('anonymousId', 'Anonymous id (exact)', '')}
        <button type="button" className="argus-button" onClick={() => setPaused(!paused)}>{paused ? 'Resume' : 'Pause'}</button>
      </Box>
      {error && <MessageBox mb="lg" variant="danger" message={`The events could not be loaded: ${error}`} />}
      {events === null ? (
        <Text>Loading…</Text>
      ) : events.length === 0 ? (
        <Text>No events yet{Object.values(filter).some((value) => value !== '') ? ' matching the filter' : ''}.</Text>
      ) : (
        <table className="argus-table" data-live>
          <thead>
            <tr><th>Received</th><th>Application</th><th>Category</th><th>Name</th><th>User</th><th>Session</th><th>Outcome</th></tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={`${event.eventId}-${event.errorId ?? 'stored'}`} data-event-id={event.eventId} className={event.reasons ? 'argus-invalid' : ''}>
                <td>{formatTime(event.receivedAt, true)}</td>
                <td>{event.application}</td>
                <td>{event.category}</td>
                <td>{event.name}</td>
                <td data-user>
                  {event.userId}
                  {event.anonymousId && <div className="argus-id" title="anonymous id">{event.anonymousId}</div>}
                </td>
                <td className="argus-id">{event.sessionId}</td>
                <td>
                  {event.reasons ? (
                    <a href={`${root()}/resources/event_errors/records/${event.errorId}/show`}>
                      <strong>invalid</strong>: {event.reasons.join('; ')}
                    </a>
                  ) : (
                    <a href={`${root()}/resources/events/records/${event.eventId}/show`}>stored</a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Box>
  );
};

export default LiveEvents;
