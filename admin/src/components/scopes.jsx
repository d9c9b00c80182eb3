import React from 'react';
import { Box, Label, Text } from '@adminjs/design-system';
import { flat } from 'adminjs';

// A token's scopes by name (AdminJS would show an array as "Length: 2").
const Scopes = ({ property, record, where }) => {
  const scopes = flat.get(record.params, property.path) ?? [];
  const text = scopes.join(', ');
  if (where === 'list') return <span data-scopes>{text}</span>;
  return (
    <Box mb="xl">
      <Label>{property.label}</Label>
      <Text data-scopes>{text}</Text>
    </Box>
  );
};

export default Scopes;
