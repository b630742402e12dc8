// The package's Node entry with the transport picked by BASETEN_TEST_TRANSPORT ("fetch" or
// "node"; unset: the entry's default, the Node transport) for clients that name none, so that a
// test file can run on each transport (scripts/test.sh runs chat and hardening on both).
import * as lib from "../../pkg/node.mjs";

const transport = process.env.BASETEN_TEST_TRANSPORT;

export class Baseten extends lib.Baseten {
  constructor(options) {
    const pick = transport && options && typeof options === "object" && options.transport === undefined && options.fetch === undefined;
    super(pick ? { ...options, transport } : options);
  }
}
export const { verifyWebhook } = lib;
