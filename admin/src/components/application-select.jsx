import React, { useEffect, useState } from 'react';
import { ApiClient } from 'adminjs';

const api = new ApiClient();

// Applications by name (the first 50, alphabetically as AdminJS's search sorts them), for a form
// or a filter that needs an application id: nobody has to paste a UUID.
const ApplicationSelect = ({ id, value, onChange, anyLabel = 'all applications' }) => {
  const [applications, setApplications] = useState([]);
  useEffect(() => {
    api.searchRecords({ resourceId: 'Application', query: '' }).then(setApplications).catch(() => {});
  }, []);
  return (
    <select id={id} className="argus-select" value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{anyLabel}</option>
      {applications.map((a) => <option key={a.id} value={a.id}>{a.title}</option>)}
    </select>
  );
};

export default ApplicationSelect;
