import React from 'react';
import { Box, Label } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';
import { indentJson } from '../json-text';

// A JSON column exactly as PostgreSQL stores it (the resource hands over its text), indented.
const JsonView = ({ property, record, resource, where }) => {
  const { translateProperty } = useTranslation();
  const stored = record.params[property.path];
  const text = typeof stored === 'string' ? stored : JSON.stringify(stored ?? null);
  if (where === 'list') return <span title={text}>{text.length > 80 ? `${text.slice(0, 80)}…` : text}</span>;
  return (
    <Box mb="xl">
      <Label>{translateProperty(property.label, resource.id)}</Label>
      <pre data-json={property.path} style={{ background: '#f6f7fb', padding: 12, borderRadius: 4, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
        {indentJson(text)}
      </pre>
    </Box>
  );
};

export default JsonView;
