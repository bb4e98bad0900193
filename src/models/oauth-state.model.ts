import { Schema, model } from 'mongoose';

/**
 * A pending "Connect Zoom": the state's SHA-256 (never the state itself), the specialist it belongs to, the SHA-256 of
 * the nonce in the `zoom_connect` cookie of the browser that asked (the GET callback completes only there; null for
 * states made before the binding, which no browser can complete) and the sealed PKCE verifier. Single use
 * (`consumedAt`), expiring (`expiresAt`, also filtered on in queries; the TTL index only tidies up).
 */
const oauthStateSchema = new Schema({
  stateHash: { type: String, required: true },
  userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  browserHash: { type: String, default: null },
  codeVerifier: { type: String, required: true },
  redirectUri: { type: String, required: true },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
  consumedAt: { type: Date, default: null },
});

oauthStateSchema.index({ stateHash: 1 }, { unique: true });
oauthStateSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 24 * 3600 });

export const OAuthStateModel = model('OAuthState', oauthStateSchema);
