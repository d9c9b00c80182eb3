import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';
import { formatTime } from '../time-format';

// A time with its zone: to the second in lists, to the millisecond on a record's page.
const Timestamp = ({ property, record, resource, where }) => {
  const { translateProperty } = useTranslation();
  const value = record.params[property.path];
  const text = formatTime(value, where === 'show');
  if (where === 'list') return <span style={{ whiteSpace: 'nowrap' }} title={value ?? ''}>{text}</span>;
  return <ValueGroup label={translateProperty(property.label, resource.id)}>{text || '—'}</ValueGroup>;
};

export default Timestamp;
