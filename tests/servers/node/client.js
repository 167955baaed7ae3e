'use strict';
// A client of tests/servers/node, run as another uid: asks a server on a Unix
// socket who it is, and prints what it got with what it knows of itself.
// Usage: node client.js SOCKET [keepalive N] [new N] [h2 N] [grpc N]
const fs = require('node:fs');
const http = require('node:http');
const http2 = require('node:http2');
const net = require('node:net');

const [path, ...plan] = process.argv.slice(2);

function get(agent) {
  return new Promise((resolve, reject) => {
    http.get({ socketPath: path, path: '/whoami', agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => {
        resolve(res.statusCode === 200 ? JSON.parse(body) : { status: res.statusCode });
      });
    }).on('error', reject);
  });
}

async function h2(count) {
  const session = http2.connect('http://localhost', { createConnection: () => net.connect(path) });
  const one = () => new Promise((resolve, reject) => {
    let body = '';
    session.request({ ':path': '/whoami' }).setEncoding('utf8').on('data', (d) => (body += d))
      .on('end', () => resolve(JSON.parse(body))).on('error', reject);
  });
  const answers = [];
  for (let i = 0; i < count; i++) answers.push(await one());
  session.close();
  return answers;
}

async function grpcCalls(count) {
  const grpc = require('@grpc/grpc-js');
  const { service } = require('./grpc-service.js');
  const Client = grpc.makeGenericClientConstructor(service, 'Test');
  const client = new Client(`unix:${path}`, grpc.credentials.createInsecure());
  const answers = [];
  for (let i = 0; i < count; i++) {
    answers.push(await new Promise((resolve, reject) => client.whoami({}, (err, reply) => (err ? reject(err) : resolve(reply)))));
  }
  client.close();
  return answers;
}

async function main() {
  const out = {
    me: {
      pid: process.pid, uid: process.geteuid(), gid: process.getegid(),
      groups: process.getgroups(), exe: fs.readlinkSync('/proc/self/exe'),
    },
  };
  for (let i = 0; i < plan.length; i += 2) {
    const [step, count] = [plan[i], Number(plan[i + 1])];
    if (step === 'keepalive') { // count requests on one connection
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      out.keepalive = [];
      for (let j = 0; j < count; j++) out.keepalive.push(await get(agent));
      agent.destroy();
    } else if (step === 'new') { // count requests, one connection each
      out.new = [];
      for (let j = 0; j < count; j++) out.new.push(await get(false));
    } else if (step === 'h2') {
      out.h2 = await h2(count);
    } else if (step === 'grpc') {
      out.grpc = await grpcCalls(count);
    } else {
      throw new Error(`unknown step ${step}`);
    }
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
