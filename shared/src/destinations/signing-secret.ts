import { randomBytes } from 'node:crypto';

/** A Standard Webhooks secret: `whsec_` and the base64 of 24 random bytes (the key receivers verify with). */
export const generateSigningSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;
