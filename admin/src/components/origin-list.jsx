import React from 'react';
import { Box, Label, Text } from '@adminjs/design-system';
import { flat, useTranslation } from 'adminjs';

// An application's allowed origins on its page: each one, or that any origin may send.
const OriginList = ({ property, record, resource }) => {
  const { translateProperty } = useTranslation();
  const origins = flat.get(record.params, property.path) ?? null;
  return (
    <Box mb="xl">
      <Label>{translateProperty(property.label, resource.id)}</Label>
      {origins === null || origins.length === 0 ? (
        <Text data-allowed-origins="any">any origin (not restricted)</Text>
      ) : (
        <ul data-allowed-origins={origins.join(' ')} style={{ listStyle: 'disc', paddingLeft: 20 }}>
          {origins.map((origin) => <li key={origin}>{origin}</li>)}
        </ul>
      )}
    </Box>
  );
};

export default OriginList;
