import React, { useEffect, useState } from 'react';
import { Box, H5, Label, MessageBox, Select, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';

const api = new ApiClient();

const Column = ({ title, schema }) => (
  <Box flexGrow={1} flexBasis={0} mr="lg" style={{ minWidth: 0 }}>
    <H5>{title}</H5>
    <pre data-version={title} style={{ background: '#f6f7fb', padding: 12, borderRadius: 4, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
      {JSON.stringify(schema, null, 2)}
    </pre>
  </Box>
);

// Two versions of the kind side by side, with what the right one would refuse that the left one accepts.
const SchemaCompare = ({ record, resource, action }) => {
  const [chosen, setChosen] = useState({});
  const [view, setView] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    setError(null);
    api
      .recordAction({ resourceId: resource.id, recordId: record.id, actionName: action.name, method: 'post', data: chosen })
      .then((response) => setView(response.data))
      .catch((e) => setError(e.message));
  }, [chosen.left, chosen.right]);

  const failure = error && <MessageBox mb="lg" variant="danger" message={error} />;
  if (!view) return <Box variant="container">{failure || <Text>Loading…</Text>}</Box>;
  const options = view.versions.map((v) => ({ value: v.version, label: `version ${v.version}${v.active ? ' (active)' : ''}` }));
  const schemaOf = (version) => view.versions.find((v) => v.version === version).schema;
  const picker = (side) => (
    <Box mr="lg" style={{ minWidth: 220 }}>
      <Label>{side === 'left' ? 'Before' : 'After'}</Label>
      <Select value={options.find((o) => o.value === view[side])} options={options} onChange={(o) => setChosen({ left: view.left, right: view.right, [side]: o.value })} />
    </Box>
  );

  return (
    <Box variant="container">
      {failure}
      <Text mb="lg">{record.params.category} / {record.params.name}</Text>
      <Box flex mb="lg">{picker('left')}{picker('right')}</Box>
      {view.changes.length === 0 ? (
        <MessageBox mb="lg" variant="info" message={`Version ${view.right} refuses nothing version ${view.left} accepts, as far as the comparison can tell`} />
      ) : (
        <MessageBox mb="lg" variant="warning" message={`Events version ${view.left} accepts that version ${view.right} would refuse:`}>
          <ul>{view.changes.map((change) => <li key={`${change.path} ${change.change}`}>{change.path}: {change.message}</li>)}</ul>
        </MessageBox>
      )}
      <Box flex>
        <Column title={`version ${view.left}`} schema={schemaOf(view.left)} />
        <Column title={`version ${view.right}`} schema={schemaOf(view.right)} />
      </Box>
    </Box>
  );
};

export default SchemaCompare;
