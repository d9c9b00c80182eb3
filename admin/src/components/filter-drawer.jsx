import React from 'react';
import { OriginalFilterDrawer, useFilterDrawer } from 'adminjs';

// AdminJS's filter drawer, closed once Apply is pressed: left open it covers the list it just filtered.
const FilterDrawer = (props) => {
  const { close } = useFilterDrawer();
  // the drawer is a form: its submit (Apply) bubbles here after AdminJS stored the filters
  return (
    <div onSubmit={() => close()}>
      <OriginalFilterDrawer {...props} />
    </div>
  );
};

export default FilterDrawer;
