// ESM entry: the same functions as the CommonJS entry (one implementation).
import peercred from './peercred.js';

export const {
  read,
  groups,
  securityLabel,
  pidfd,
  peerProcess,
  ownProcess,
  PeerProcess,
  connectionProcess,
  listenGrpc,
  uidMapping,
  gidMapping,
  bootId,
  parseCgroup,
  createUnixDatagramSocket,
  UnixDatagramSocket,
} = peercred;
export default peercred;
