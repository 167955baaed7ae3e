'use strict';
// A one-method gRPC service with JSON messages (no .proto file needed).
const json = {
  serialize: (value) => Buffer.from(JSON.stringify(value)),
  deserialize: (buffer) => JSON.parse(buffer.toString()),
};

const service = {
  whoami: {
    path: '/peercred.test.Test/WhoAmI',
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
};

module.exports = { service };
