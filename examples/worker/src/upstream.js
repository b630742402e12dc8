// The package's clients that call Baseten with the proxy's key, built once per isolate and
// configuration: the single model of BASETEN_MODEL_ID (and friends), and one per MODELS route.
import { Baseten } from "baseten-edge";
import { httpError } from "./http.js";

const MODEL_APIS = "https://inference.baseten.co/v1";
/** @type {Map<string, Baseten>} */
const clients = new Map();

function cached(options) {
  if (!options.apiKey) throw httpError(500, "the proxy has no BASETEN_API_KEY secret", { type: "proxy_configuration_error" });
  const key = JSON.stringify(options);
  let client = clients.get(key);
  if (!client) {
    client = new Baseten(options);
    clients.set(key, client);
  }
  return client;
}

/** The client of the single-model variables. */
export function singleClient(env) {
  return cached({
    apiKey: env.BASETEN_API_KEY || undefined,
    modelId: env.BASETEN_MODEL_ID || undefined,
    chainId: env.BASETEN_CHAIN_ID || undefined,
    environment: env.BASETEN_ENVIRONMENT || undefined,
    deployment: env.BASETEN_DEPLOYMENT || undefined,
    baseUrl: env.BASETEN_BASE_URL || undefined,
    openaiBaseUrl: env.BASETEN_OPENAI_BASE_URL || undefined,
  });
}

/**
 * The client of a MODELS route: a model's `.../environments/{env}/sync/v1` or
 * `.../deployment/{id}/sync/v1` (on BASETEN_BASE_URL when set), or Model APIs
 * (BASETEN_MODEL_APIS_BASE_URL, default https://inference.baseten.co/v1).
 * @param {Record<string, any>} env @param {import("./models.js").Route} route
 */
export function routeClient(env, route) {
  if (route.modelApis) {
    return cached({ apiKey: env.BASETEN_API_KEY || undefined, openaiBaseUrl: env.BASETEN_MODEL_APIS_BASE_URL || MODEL_APIS });
  }
  return cached({
    apiKey: env.BASETEN_API_KEY || undefined,
    modelId: route.modelId,
    environment: route.environment,
    deployment: route.deployment,
    baseUrl: env.BASETEN_BASE_URL || undefined,
  });
}
