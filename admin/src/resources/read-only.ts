/** Action settings for facts: they can be listed and shown, never created, changed or deleted here. */
export const readOnly = {
  new: { isAccessible: false },
  edit: { isAccessible: false },
  delete: { isAccessible: false },
  bulkDelete: { isAccessible: false },
};
