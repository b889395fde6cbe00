extension ConsoleAssets {
    /// AWS Signature Version 4 in the browser (WebCrypto), for the JSON protocols the console calls.
    static let sigv4 = #"""
        const encoder = new TextEncoder();

        function hex(buffer) {
          return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");
        }

        async function sha256(text) {
          return hex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
        }

        async function hmac(key, text) {
          const material = typeof key === "string" ? encoder.encode(key) : key;
          const imported = await crypto.subtle.importKey("raw", material, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
          return new Uint8Array(await crypto.subtle.sign("HMAC", imported, encoder.encode(text)));
        }

        /** The headers of a signed POST to `/` with `body`, as `service` in the credentials' region. */
        export async function sign(credentials, service, headers, body, now = new Date()) {
          const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
          const day = amzDate.slice(0, 8);
          const all = { ...headers, host: location.host, "x-amz-date": amzDate };
          const names = Object.keys(all).map((name) => name.toLowerCase()).sort();
          const lower = Object.fromEntries(Object.entries(all).map(([name, value]) => [name.toLowerCase(), String(value).trim()]));
          const canonical = ["POST", "/", "", names.map((name) => `${name}:${lower[name]}\n`).join(""), names.join(";"),
                             await sha256(body)].join("\n");
          const scope = `${day}/${credentials.region}/${service}/aws4_request`;
          const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, await sha256(canonical)].join("\n");
          let key = await hmac("AWS4" + credentials.secret, day);
          for (const part of [credentials.region, service, "aws4_request"]) key = await hmac(key, part);
          const signature = hex(await hmac(key, toSign));
          const signed = { ...headers, "X-Amz-Date": amzDate };
          signed.Authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, ` +
            `SignedHeaders=${names.join(";")}, Signature=${signature}`;
          return signed;
        }
        """#

    /// Calls to the public API, signed with the signed-in key; errors carry AWS's type and message.
    static let api = #"""
        import { sign } from "/console/sigv4.js";

        export class AWSError extends Error {
          constructor(type, message) { super(message); this.type = type; }
        }

        const services = {
          logs: { prefix: "Logs_20140328.", signing: "logs", contentType: "application/x-amz-json-1.1" },
          kms: { prefix: "TrentService.", signing: "kms", contentType: "application/x-amz-json-1.1" },
          cloudwatch: { prefix: "GraniteServiceVersion20100801.", signing: "monitoring", contentType: "application/x-amz-json-1.0" },
        };

        async function send(credentials, service, operation, input, signal) {
          const described = services[service];
          const body = JSON.stringify(input);
          const headers = await sign(credentials, described.signing,
            { "Content-Type": described.contentType, "X-Amz-Target": described.prefix + operation }, body);
          return fetch("/", { method: "POST", headers, body, credentials: "omit", cache: "no-store", signal });
        }

        /** The AWS error a failed response carries (its JSON body's type and message, else the HTTP status). */
        async function failure(response) {
          const text = await response.text();
          let output = {};
          try { output = text ? JSON.parse(text) : {}; } catch { output = {}; }
          const type = String(output.__type || `HTTP ${response.status}`).split("#").pop();
          return new AWSError(type, output.message || output.Message || response.statusText);
        }

        /** Runs `operation` of `service` with `input` (an object) for `credentials`; resolves to the output object. */
        export async function call(credentials, service, operation, input = {}) {
          const response = await send(credentials, service, operation, input);
          if (!response.ok) throw await failure(response);
          const text = await response.text();
          return text ? JSON.parse(text) : {};
        }

        /**
         * Runs an operation that answers an AWS event stream (StartLiveTail) and yields its messages as
         * `{ type, exception, payload }` (`type` is `:event-type`, `exception` is `:exception-type`, `payload` parsed JSON)
         * until the stream ends or `signal` aborts it. A damaged or cut-off stream throws.
         */
        export async function* stream(credentials, service, operation, input, signal) {
          const response = await send(credentials, service, operation, input, signal);
          if (!response.ok) throw await failure(response);
          if (!(response.headers.get("content-type") || "").startsWith("application/vnd.amazon.eventstream")) {
            throw new Error(`${operation} did not answer an event stream`);
          }
          const reader = response.body.getReader();
          let buffer = new Uint8Array(0);
          try {
            for (;;) {
              let message;
              while ((message = nextMessage(buffer))) {
                buffer = buffer.slice(message.length);
                yield message;
              }
              const { value, done } = await reader.read();
              if (done) {
                if (buffer.length) throw new Error("the event stream ended in the middle of a message");
                return;
              }
              const joined = new Uint8Array(buffer.length + value.length);
              joined.set(buffer);
              joined.set(value, buffer.length);
              buffer = joined;
            }
          } finally {
            reader.cancel().catch(() => {});
          }
        }

        /** Header value sizes by type (0–9) in the event-stream encoding; -2 means a 2-byte length precedes the value. */
        const HEADER_SIZES = [0, 0, 1, 2, 4, 8, -2, -2, 8, 16];
        const decoder = new TextDecoder();

        const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
          let c = n;
          for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
          return c >>> 0;
        });

        /** CRC-32 (IEEE), as the event-stream prelude and message checksums use. */
        function crc32(bytes) {
          let crc = 0xffffffff;
          for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
          return (crc ^ 0xffffffff) >>> 0;
        }

        /**
         * The first whole message in `bytes` (prelude, headers, payload, CRCs), or null when more bytes are needed;
         * throws on a message whose lengths or checksums are wrong.
         */
        function nextMessage(bytes) {
          if (bytes.length < 12) return null;
          const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
          const total = view.getUint32(0), headersLength = view.getUint32(4);
          if (total < 16 || headersLength > total - 16 || view.getUint32(8) !== crc32(bytes.subarray(0, 8))) {
            throw new Error("a damaged event-stream message");
          }
          if (bytes.length < total) return null;
          if (view.getUint32(total - 4) !== crc32(bytes.subarray(0, total - 4))) throw new Error("an event-stream message failed its checksum");
          const headers = {};
          let at = 12;
          while (at < 12 + headersLength) {
            const nameLength = bytes[at];
            const name = decoder.decode(bytes.subarray(at + 1, at + 1 + nameLength));
            const kind = bytes[at + 1 + nameLength];
            at += 2 + nameLength;
            let size = HEADER_SIZES[kind];
            if (size === undefined) throw new Error("an unknown event-stream header type");
            if (size === -2) { size = view.getUint16(at); at += 2; }
            if (kind === 7) headers[name] = decoder.decode(bytes.subarray(at, at + size));
            at += size;
          }
          const text = decoder.decode(bytes.subarray(12 + headersLength, total - 4));
          return { length: total, type: headers[":event-type"], exception: headers[":exception-type"] || headers[":error-code"],
                   payload: headers[":error-message"] ? { message: headers[":error-message"] } : text ? JSON.parse(text) : {} };
        }
        """#
}
