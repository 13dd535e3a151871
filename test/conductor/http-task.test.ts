/**
 * The HTTP system task against a real HTTP server on 127.0.0.1, after Conductor's HttpTaskTest:
 * the output's shape, how bodies are read, which failures are retryable, the deadline, the body
 * limit, and the input refused before any call.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { runHttpTask } from '../../src/conductor/run/http-task.js';
import { HttpTaskError, type HttpTaskFailureKind } from '../../src/core/errors.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let base = '';
const seen: Seen[] = [];
const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: string) => void> = {
  '/json': (_req, res) => json(res, 200, { key: 'value1', num: 42, SomeKey: null }),
  '/echo': (req, res, body) => json(res, 201, { method: req.method, got: body === '' ? null : JSON.parse(body) }),
  '/text': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Text Response, déjà vu');
  },
  '/numeric': (_req, res) => {
    res.writeHead(200);
    res.end('42.42');
  },
  '/boolean': (_req, res) => json(res, 200, true),
  '/empty': (_req, res) => {
    res.writeHead(204);
    res.end();
  },
  '/cookies': (_req, res) => {
    res.setHeader('Set-Cookie', ['a=1', 'b=2']);
    res.setHeader('X-Trace', 'abc');
    json(res, 200, {});
  },
  '/missing': (_req, res) => json(res, 404, { error: 'no such order' }),
  '/busy': (_req, res) => {
    res.writeHead(503, { 'Content-Type': 'text/plain' });
    res.end('Something went wrong!');
  },
  '/slow': (_req, res) => {
    const timer = setTimeout(() => json(res, 200, { late: true }), 2_000);
    res.on('close', () => clearTimeout(timer));
  },
  '/huge': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(2 * 1024 * 1024) });
    res.end(Buffer.alloc(2 * 1024 * 1024, 0x20));
  },
  '/huge-chunked': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' }); // no Content-Length: chunked
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const more = () => {
      while (sent < 64 && !res.destroyed) {
        sent++;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end();
    };
    more();
  },
  '/redirect': (_req, res) => {
    res.writeHead(302, { Location: '/json' });
    res.end();
  },
};

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (route) route(req, res, body);
    else json(res, 500, { error: 'no route' });
  });
});

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function lastSeen(): Seen {
  const last = seen.at(-1);
  assert.ok(last, 'the server saw no request');
  return last;
}

async function failure(promise: Promise<unknown>, kind: HttpTaskFailureKind): Promise<HttpTaskError> {
  const error = await promise.then(
    () => assert.fail('the task should have failed'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof HttpTaskError, `expected an HttpTaskError, got ${String(error)}`);
  assert.equal(error.code, 'HTTP_TASK_FAILED');
  assert.equal(error.kind, kind, error.message);
  return error;
}

describe('a 2xx answer completes the task with { response: { headers, reasonPhrase, body, statusCode } }', () => {
  test('GET of JSON: the body parsed, headers as name → list of values, the standard reason phrase', async () => {
    const output = await runHttpTask('get_ref', { http_request: { uri: `${base}/json`, method: 'GET' } });
    const response = output.response as Record<string, any>;
    assert.deepEqual(Object.keys(response).sort(), ['body', 'headers', 'reasonPhrase', 'statusCode']);
    assert.equal(response.statusCode, 200);
    assert.equal(response.reasonPhrase, 'OK');
    assert.deepEqual(response.body, { key: 'value1', num: 42, SomeKey: null });
    assert.deepEqual(response.headers['content-type'], ['application/json']);
    const request = lastSeen();
    assert.equal(request.method, 'GET');
    assert.equal(request.headers.accept, 'application/json'); // Conductor's default accept
    assert.equal(request.headers['content-type'], undefined); // no body, no content type
  });

  test('POST: the body sent as JSON with the given headers; the method is case-insensitive', async () => {
    const output = await runHttpTask('post_ref', {
      http_request: {
        uri: `${base}/echo?token=secret`,
        method: 'post',
        headers: { 'X-Request-Id': 'r-1', 'X-Count': 3, 'X-Skipped': null },
        body: { title: 'hello', userId: 7 },
      },
    });
    const response = output.response as Record<string, any>;
    assert.equal(response.statusCode, 201);
    assert.equal(response.reasonPhrase, 'Created');
    assert.deepEqual(response.body, { method: 'POST', got: { title: 'hello', userId: 7 } });
    const request = lastSeen();
    assert.equal(request.url, '/echo?token=secret');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['x-request-id'], 'r-1');
    assert.equal(request.headers['x-count'], '3');
    assert.equal(request.headers['x-skipped'], undefined);
  });

  test('a string body is sent as is, with the given contentType; headers replace accept', async () => {
    await runHttpTask('put_ref', {
      http_request: {
        uri: `${base}/echo`,
        method: 'PUT',
        contentType: 'text/plain',
        headers: { Accept: 'text/plain' },
        body: '"quoted"',
      },
    });
    const request = lastSeen();
    assert.equal(request.body, '"quoted"');
    assert.equal(request.headers['content-type'], 'text/plain');
    assert.equal(request.headers.accept, 'text/plain');
  });

  test("Orkes' flat form: uri and method directly in inputParameters", async () => {
    const output = await runHttpTask('flat_ref', { uri: `${base}/json`, method: 'GET' });
    assert.equal((output.response as Record<string, any>).statusCode, 200);
  });

  test('method defaults to GET', async () => {
    await runHttpTask('default_ref', { http_request: { uri: `${base}/json` } });
    assert.equal(lastSeen().method, 'GET');
  });

  test('text stays text (in its charset), a bare number is a number, true becomes "true" (Jackson asText)', async () => {
    const text = (await runHttpTask('t', { http_request: { uri: `${base}/text` } })).response as Record<string, any>;
    assert.equal(text.body, 'Text Response, déjà vu');
    const numeric = (await runHttpTask('n', { http_request: { uri: `${base}/numeric` } })).response as Record<
      string,
      any
    >;
    assert.equal(numeric.body, 42.42);
    const bool = (await runHttpTask('b', { http_request: { uri: `${base}/boolean` } })).response as Record<string, any>;
    assert.equal(bool.body, 'true');
  });

  test('no content: body null', async () => {
    const output = await runHttpTask('e', { http_request: { uri: `${base}/empty`, method: 'DELETE' } });
    assert.deepEqual(output.response, {
      headers: (output.response as any).headers,
      reasonPhrase: 'No Content',
      body: null,
      statusCode: 204,
    });
  });

  test('each Set-Cookie is its own value; redirects are followed', async () => {
    const cookies = (await runHttpTask('c', { http_request: { uri: `${base}/cookies` } })).response as Record<
      string,
      any
    >;
    assert.deepEqual(cookies.headers['set-cookie'], ['a=1', 'b=2']);
    assert.deepEqual(cookies.headers['x-trace'], ['abc']);
    const redirected = (await runHttpTask('r', { http_request: { uri: `${base}/redirect` } })).response as Record<
      string,
      any
    >;
    assert.equal(redirected.statusCode, 200);
    assert.equal(redirected.body.key, 'value1');
  });
});

describe('other answers fail the task, carrying the answer', () => {
  test('404: retryable as Conductor retries it, status and body on the error, no query string in the message', async () => {
    const error = await failure(
      runHttpTask('get_ref', { http_request: { uri: `${base}/missing?apiKey=hunter2`, method: 'GET' } }),
      'status',
    );
    assert.equal(error.statusCode, 404);
    assert.equal(error.retryable, true);
    assert.equal(error.response?.reasonPhrase, 'Not Found');
    assert.deepEqual(error.response?.body, { error: 'no such order' });
    assert.match(
      error.message,
      /task 'get_ref' \(HTTP\): GET http:\/\/127\.0\.0\.1:\d+\/missing answered 404 Not Found/,
    );
    assert.match(error.message, /no such order/);
    assert.doesNotMatch(error.message, /hunter2/);
  });

  test('404 with retryClientErrors: false fails at once', async () => {
    const error = await failure(
      runHttpTask('get_ref', { http_request: { uri: `${base}/missing` } }, { retryClientErrors: false }),
      'status',
    );
    assert.equal(error.retryable, false);
    assert.match(error.message, /check the request/);
  });

  test('503: retryable, even with retryClientErrors: false; the text body in the message', async () => {
    const error = await failure(
      runHttpTask('busy_ref', { http_request: { uri: `${base}/busy` } }, { retryClientErrors: false }),
      'status',
    );
    assert.equal(error.statusCode, 503);
    assert.equal(error.retryable, true);
    assert.equal(error.response?.body, 'Something went wrong!');
    assert.match(error.message, /503 Service Unavailable: Something went wrong!/);
  });

  test('nobody listening: a retryable network failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(
      runHttpTask('down_ref', { http_request: { uri: `http://127.0.0.1:${port}/` } }),
      'network',
    );
    assert.equal(error.retryable, true);
    assert.match(error.message, /ECONNREFUSED/);
  });
});

describe('deadlines and limits', () => {
  test('readTimeOut bounds the call: a retryable timeout', async () => {
    const started = Date.now();
    const error = await failure(
      runHttpTask('slow_ref', { http_request: { uri: `${base}/slow`, readTimeOut: 100 } }),
      'timeout',
    );
    assert.ok(Date.now() - started < 1_500, 'the call was not cut at its deadline');
    assert.equal(error.retryable, true);
    assert.match(error.message, /did not answer within 100 ms/);
  });

  test('the option timeoutMs applies when the request sets none', async () => {
    await failure(runHttpTask('slow_ref', { http_request: { uri: `${base}/slow` } }, { timeoutMs: 100 }), 'timeout');
  });

  test("the caller's signal stops the call with its own reason", async () => {
    const controller = new AbortController();
    const call = runHttpTask('slow_ref', { http_request: { uri: `${base}/slow` } }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('run cancelled')), 50);
    await assert.rejects(call, /run cancelled/);
  });

  test('a body over maxResponseBytes fails, not retryable: declared length and chunked', async () => {
    const options = { maxResponseBytes: 1024 * 1024 };
    const declared = await failure(
      runHttpTask('huge_ref', { http_request: { uri: `${base}/huge` } }, options),
      'too-large',
    );
    assert.equal(declared.retryable, false);
    assert.match(declared.message, /over the limit of 1048576 bytes/);
    await failure(runHttpTask('huge_ref', { http_request: { uri: `${base}/huge-chunked` } }, options), 'too-large');
    // Under the default limit (10 MiB) the same 2 MiB body is read.
    const output = await runHttpTask('huge_ref', { http_request: { uri: `${base}/huge` } });
    assert.equal(((output.response as Record<string, any>).body as string).length, 2 * 1024 * 1024);
  });
});

describe('input refused before any call, naming the task and the field', () => {
  const cases: Array<[string, Record<string, any>, RegExp]> = [
    ['no http_request', { other: 1 }, /inputParameters\.http_request is missing/],
    ['http_request not an object', { http_request: 'x' }, /inputParameters\.http_request is "x"/],
    ['missing uri', { http_request: { method: 'GET' } }, /inputParameters\.http_request\.uri is missing/],
    ['relative uri', { http_request: { uri: '/orders/1' } }, /uri "\/orders\/1" is not an absolute http or https URL/],
    [
      'ftp: scheme',
      { http_request: { uri: 'ftp://example.com/file' } },
      /uri "ftp:\/\/example\.com\/file" is not an absolute http or https URL/,
    ],
    [
      'bad method',
      { http_request: { uri: 'http://127.0.0.1/', method: 'FETCH' } },
      /method is "FETCH"; use one of GET, HEAD/,
    ],
    ['TRACE (fetch cannot)', { http_request: { uri: 'http://127.0.0.1/', method: 'TRACE' } }, /method is "TRACE"/],
    ['bad readTimeOut', { http_request: { uri: 'http://127.0.0.1/', readTimeOut: -1 } }, /readTimeOut is -1/],
    ['bad header name', { http_request: { uri: 'http://127.0.0.1/', headers: { 'bad name': 'x' } } }, /headers:/],
    ['headers not an object', { http_request: { uri: 'http://127.0.0.1/', headers: ['a'] } }, /headers is \["a"\]/],
    ['flat form, bad uri', { uri: 'mailto:a@b.c' }, /inputParameters\.uri "mailto:a@b\.c"/],
  ];
  for (const [name, input, message] of cases) {
    test(name, async () => {
      const count = seen.length;
      const error = await failure(runHttpTask('bad_ref', input), 'invalid');
      assert.equal(error.retryable, false);
      assert.match(error.message, /^task 'bad_ref' \(HTTP\): /);
      assert.match(error.message, message);
      assert.equal(seen.length, count, 'no request should have been made');
    });
  }
});
