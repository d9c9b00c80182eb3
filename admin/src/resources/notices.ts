/** A refusal the operator can act on: shown on the page that asked, never an error page. */
export const errorNotice = (message: string) => ({ notice: { message, type: 'error' as const } });
