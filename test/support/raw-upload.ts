import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

// Uploads written by hand, for what supertest cannot do: a chunked body, a Content-Length that
// lies, a body sent in two halves, a connection dropped mid-body.
export interface UploadTarget {
  port: number;
  path: string;
  headers: Record<string, string>;
}

export interface RawAnswer {
  status: number;
  body: { code?: string; detail: string };
}

// A multipart body holding one file part, framed by hand.
export function multipart(file: Buffer, filename = 'letter.pdf'): { body: Buffer; type: string } {
  const boundary = '----ssg-test-boundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
        `Content-Type: application/pdf\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

// Sends the headers and the first `firstBytes` of the body now; the function returned sends the
// rest and answers the response. `claimedLength` replaces the true Content-Length; `chunked`
// sends none at all.
export function startUpload(
  target: UploadTarget,
  file: Buffer,
  how: { filename?: string; firstBytes?: number; chunked?: boolean; claimedLength?: number } = {},
): () => Promise<RawAnswer> {
  const { body, type } = multipart(file, how.filename);
  const headers: Record<string, string> = { ...target.headers, 'content-type': type };
  if (how.chunked) {
    headers['transfer-encoding'] = 'chunked';
  } else {
    headers['content-length'] = String(how.claimedLength ?? body.length);
  }
  // With a lying Content-Length only what was claimed is sent; the rest would be a new request.
  const sent = how.claimedLength === undefined ? body : body.subarray(0, how.claimedLength);
  const first = Math.min(how.firstBytes ?? 16_384, sent.length);
  let rest = (): void => undefined;
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: target.port, method: 'POST', path: target.path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as RawAnswer['body'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.write(sent.subarray(0, first));
    rest = () => req.end(sent.subarray(first));
  });
  return () => {
    rest();
    return answer;
  };
}

// Sends the headers and `sendBytes` of the body over a raw socket, waits until `storing` says
// the server has begun writing the file, then destroys the socket.
export async function dropMidUpload(
  target: UploadTarget,
  file: Buffer,
  sendBytes: number,
  storing: () => Promise<boolean>,
): Promise<void> {
  const { body, type } = multipart(file);
  const socket = connect(target.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  const headers = Object.entries(target.headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.write(
    `POST ${target.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers.join('')}` +
      `Content-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  socket.write(body.subarray(0, sendBytes));
  const deadline = Date.now() + 10_000;
  while (!(await storing())) {
    if (Date.now() > deadline) {
      socket.destroy();
      throw new Error('The server never began storing the upload');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  socket.destroy();
}
