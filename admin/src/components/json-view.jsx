import React from 'react';
import { Box, Label } from '@adminjs/design-system';
import { flat } from 'adminjs';

// A JSON column as readable, indented JSON (AdminJS would otherwise show it as flattened keys).
const JsonView = ({ property, record, where }) => {
  const value = flat.get(record.params, property.path);
  const text = JSON.stringify(value ?? null, null, where === 'list' ? 0 : 2);
  if (where === 'list') return <span title={text}>{text.length > 80 ? `${text.slice(0, 80)}…` : text}</span>;
  return (
    <Box mb="xl">
      <Label>{property.label}</Label>
      <pre style={{ background: '#f6f7fb', padding: 12, borderRadius: 4, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{text}</pre>
    </Box>
  );
};

export default JsonView;
