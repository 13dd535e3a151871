/**
 * The server's OpenAPI 3.1 document (`GET /v1/openapi.json`), built from the route tables
 * (api-routes.ts, conductor/conductor-api-routes.ts) and the very schemas the routes validate their bodies with (schemas.ts,
 * conductor/conductor-schemas.ts): what is documented is what is checked. OpenAPI 3.1 takes
 * JSON Schema 2020-12 as it is, so TypeBox's schemas go in unchanged.
 */
import { type ApiRoute, NATIVE_ROUTES, TAGS } from './api-routes.js';
import { CONDUCTOR_ROUTES } from './conductor/conductor-api-routes.js';
import type { RequestBody } from './request.js';

type Json = Record<string, unknown>;

const DESCRIPTION = `Tutti's own API (\`/v1/…\`) and its Conductor-compatible API (\`/api/…\`); see docs/api.md
and docs/conductor.md. Every JSON body is validated against the schema given here: a body that does
not match is a 400 \`REQUEST_INVALID\` whose message names the first field at fault (\`max: 500 is
above 100; …\`), with every problem in \`issues\`. Tutti's own bodies refuse unknown fields;
Conductor's accept them, as Conductor does. Without tokens (\`tutti dev\`, \`--no-auth\`) no route
asks for one.`;

/** The document for every route of the app; build it once per app. */
export function openApiDocument(routes: readonly ApiRoute[] = [...NATIVE_ROUTES, ...CONDUCTOR_ROUTES]): Json {
  const paths: Record<string, Json> = {};
  const schemas: Record<string, unknown> = {
    Error: ERROR_SCHEMA,
    ConductorError: CONDUCTOR_ERROR_SCHEMA,
  };
  for (const route of routes) {
    const bodies = route.body === undefined ? [] : ([] as RequestBody[]).concat(route.body);
    for (const body of bodies) schemas[body.name] = plainJson(body.schema);
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route, bodies) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Tutti', version: '1', description: DESCRIPTION },
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    security: [{ bearer: [] }, { conductorToken: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'an API token from `tutti tokens create --namespace <ns>`: `tutti_<id>_<secret>`',
        },
        conductorToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Authorization',
          description: "the same token, as Conductor's clients send it (or from `POST /api/token`)",
        },
      },
      schemas,
      responses: {
        Error: errorResponse('Error', "a client mistake (4xx) or a failure (5xx), in Tutti's error shape"),
        ConductorError: errorResponse(
          'ConductorError',
          "a client mistake (4xx) or a failure (5xx), in Conductor's ErrorResponse shape",
        ),
      },
    },
  };
}

/** `/v1/runs/:id` → `/v1/runs/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function operation(route: ApiRoute, bodies: readonly RequestBody[]): Json {
  const parameters = [
    ...[...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    })),
    ...Object.entries(route.query ?? {}).map(([name, description]) => ({
      name,
      in: 'query',
      required: route.required?.includes(name) ?? false,
      description,
      schema: { type: 'string' },
    })),
  ];
  const conductor = route.path.startsWith('/api/');
  const op: Json = {
    operationId: operationId(route),
    tags: [route.tag],
    summary: route.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    responses: {
      [String(route.status ?? 200)]: { description: route.answer },
      default: { $ref: `#/components/responses/${conductor ? 'ConductorError' : 'Error'}` },
    },
  };
  if (bodies.length > 0) {
    op.requestBody = {
      required: bodies.every((body) => !body.optional),
      content: Object.fromEntries(
        bodies.map((body) => [body.mediaType, { schema: { $ref: `#/components/schemas/${body.name}` } }]),
      ),
    };
  }
  if (route.public) op.security = [];
  return op;
}

/** `POST /v1/runs/:id/cancel` → `postV1RunsIdCancel`: unique, as method and path are. */
function operationId(route: ApiRoute): string {
  const words = route.path.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  return route.method.toLowerCase() + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

/** A TypeBox schema as plain JSON (TypeBox keeps its own marks in symbol keys). */
function plainJson(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema));
}

function errorResponse(schema: string, description: string): Json {
  return { description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } };
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'stable: REQUEST_INVALID, NOT_FOUND, RUN_STATE… (docs/errors.md)' },
        message: { type: 'string', description: 'names the field at fault and how to fix it' },
        issues: { type: 'array', description: 'every problem found, for bodies and definitions' },
      },
    },
  },
};

const CONDUCTOR_ERROR_SCHEMA = {
  type: 'object',
  required: ['status', 'code', 'message'],
  properties: {
    status: { type: 'integer' },
    code: { type: 'string' },
    message: { type: 'string' },
    instance: { type: 'string' },
    retryable: { type: 'boolean' },
    validationErrors: { type: 'array', items: { type: 'object' } },
  },
};
