import React, { useState } from 'react';
import { Box, Button, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient } from 'adminjs';
import ApplicationSelect from './application-select';

const api = new ApiClient();
const fields = [
  ['name', 'Name', 'CRM'],
  ['url', 'URL (http or https)', 'https://crm.example.com/argus-webhook'],
  ['category', 'Only this category (exact, optional)', 'form interaction'],
  ['eventName', 'Only this name (exact, optional)', 'submit'],
];

// Creates a destination and shows its signing secret once, with a copy button: it is never shown again.
const CreateDestination = ({ resource }) => {
  const [form, setForm] = useState({ name: '', url: '', applicationId: '', category: '', eventName: '' });
  const [created, setCreated] = useState(null);
  const [error, setError] = useState(null);

  const create = async () => {
    setError(null);
    try {
      const response = await api.resourceAction({ resourceId: resource.id, actionName: 'create', method: 'post', data: form });
      if (response.data.signingSecret) setCreated(response.data);
      else setError(response.data.notice?.message ?? 'not created');
    } catch (e) {
      setError(e.message);
    }
  };

  if (created) {
    return (
      <Box variant="container">
        <MessageBox mb="lg" variant="info" message="Copy the signing secret now: it is not shown again." />
        <Text mb="lg">Destination {created.record.params.name} ({created.record.id}) is running.</Text>
        <Label>Signing secret</Label>
        <Input id="signing-secret" readOnly width={1} value={created.signingSecret} onFocus={(e) => e.target.select()} />
        <Button mt="lg" onClick={() => navigator.clipboard.writeText(created.signingSecret)}>Copy</Button>
      </Box>
    );
  }
  return (
    <Box variant="container">
      <Box mb="lg">
        <Label htmlFor="destination-applicationId">Only the events of (optional)</Label>
        <ApplicationSelect id="destination-applicationId" anyLabel="every application" value={form.applicationId} onChange={(applicationId) => setForm({ ...form, applicationId })} />
      </Box>
      {fields.map(([key, label, placeholder]) => (
        <Box key={key} mb="lg">
          <Label>{label}</Label>
          <Input id={`destination-${key}`} width={1} placeholder={placeholder} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
        </Box>
      ))}
      <Button variant="contained" onClick={create}>Create destination</Button>
      {error && <MessageBox mt="lg" variant="danger" message={error} />}
    </Box>
  );
};

export default CreateDestination;
