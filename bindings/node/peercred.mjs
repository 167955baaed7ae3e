// ESM entry: the same functions as the CommonJS entry (one implementation).
import peercred from './peercred.js';

export const {
  read,
  groups,
  securityLabel,
  pidfd,
  peerProcess,
  PeerProcess,
  connectionProcess,
  listenGrpc,
  uidMapping,
  gidMapping,
} = peercred;
export default peercred;
