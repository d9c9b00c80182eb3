import React from 'react';
import { Box, Label } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';

// Why an event was refused, one readable line per problem: `data.element: expected string`.
export const reasonLines = (stored) => {
  let reasons;
  try {
    reasons = typeof stored === 'string' ? JSON.parse(stored) : stored;
  } catch {
    return [String(stored)];
  }
  if (!Array.isArray(reasons)) return [JSON.stringify(reasons)];
  return reasons.map((reason) => (reason && reason.path !== undefined ? `${reason.path}: ${reason.message}` : JSON.stringify(reason)));
};

const Reasons = ({ property, record, resource, where }) => {
  const { translateProperty } = useTranslation();
  const lines = reasonLines(record.params[property.path]);
  if (where === 'list') {
    const shown = lines.slice(0, 2);
    return (
      <span className="argus-text" data-reasons title={lines.join('\n')}>
        {shown.map((line) => <div key={line}>{line}</div>)}
        {lines.length > shown.length && <div>and {lines.length - shown.length} more</div>}
      </span>
    );
  }
  return (
    <Box mb="xl">
      <Label>{translateProperty(property.label, resource.id)}</Label>
      <ul data-reasons style={{ listStyle: 'disc', paddingLeft: 20 }}>
        {lines.length === 0 ? <li>none</li> : lines.map((line) => <li key={line}>{line}</li>)}
      </ul>
    </Box>
  );
};

export default Reasons;
