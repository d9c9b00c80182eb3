import React, { useState } from 'react';
import { Box, Button, CheckBox, Input, Label, MessageBox, Text, TextArea } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';
import { indentJson } from '../json-text';
import ApplicationSelect from './application-select';

const api = new ApiClient();

// Registers a new version of a kind's schema: from scratch (resource action) or starting from the
// version shown (record action, whose kind is fixed). Refusals come back as notices and stay on the form.
const SchemaEditor = ({ record, resource, action }) => {
  // the version's schema as stored (the resource hands over JSON columns as their text)
  const fromVersion = record ? record.params.schema : '{"type": "object", "properties": {}}';
  const [kind, setKind] = useState({ applicationId: '', category: '', name: '' });
  const [schema, setSchema] = useState(indentJson(fromVersion));
  const [activate, setActivate] = useState(false);
  const [result, setResult] = useState(null);

  const register = async () => {
    const data = { ...(record ? {} : kind), schema, activate: String(activate) };
    const request = { resourceId: resource.id, actionName: action.name, method: 'post', data };
    try {
      const response = record ? await api.recordAction({ ...request, recordId: record.id }) : await api.resourceAction(request);
      setResult(response.data);
    } catch (e) {
      setResult({ notice: { type: 'error', message: e.message } });
    }
  };

  const field = (name, label) => (
    <Box mb="lg">
      <Label>{label}</Label>
      <Input id={`schema-${name}`} width={1} value={kind[name]} onChange={(e) => setKind({ ...kind, [name]: e.target.value })} />
    </Box>
  );

  return (
    <Box variant="container">
      {record ? (
        <Text mb="lg">
          New version of {record.params.category} / {record.params.name}, starting from version {record.params.version}
        </Text>
      ) : (
        <Box>
          <Box mb="lg">
            <Label htmlFor="schema-applicationId">Application</Label>
            <ApplicationSelect id="schema-applicationId" anyLabel="choose an application" value={kind.applicationId} onChange={(applicationId) => setKind({ ...kind, applicationId })} />
          </Box>
          {field('category', 'Category')}
          {field('name', 'Name')}
        </Box>
      )}
      <Label>JSON Schema (draft 2020-12) for the events' data</Label>
      <TextArea id="schema-json" width={1} rows={18} style={{ fontFamily: 'monospace' }} value={schema} onChange={(e) => setSchema(e.target.value)} />
      <Box mt="lg" flex alignItems="center">
        <CheckBox id="schema-activate" checked={activate} onChange={() => setActivate(!activate)} />
        <Label inline htmlFor="schema-activate" ml="default">Make it the active version (the first version of a kind always is)</Label>
      </Box>
      <Button mt="lg" variant="contained" onClick={register}>Register version</Button>
      {result?.notice && <MessageBox mt="lg" variant={result.notice.type === 'error' ? 'danger' : 'success'} message={result.notice.message} />}
      {result?.incompatibleChanges?.length > 0 && (
        <MessageBox mt="lg" variant="warning" message="Events the previously active version accepts would fail this one:">
          <ul>{result.incompatibleChanges.map((change) => <li key={`${change.path} ${change.change}`}>{change.path}: {change.message}</li>)}</ul>
        </MessageBox>
      )}
      {result?.redirectUrl && <Box mt="lg"><a href={result.redirectUrl}>Open the new version</a></Box>}
    </Box>
  );
};

export default SchemaEditor;
