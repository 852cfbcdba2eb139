<?php

declare(strict_types=1);

namespace Wfm;

use Wfm\Exception\TransportException;

/**
 * Transport over ext-curl. One handle is kept and reused, so that
 * consecutive requests to the same host share a connection.
 */
final class CurlTransport implements Transport
{
    /** Largest response body accepted, in bytes. */
    public const MAX_BODY_BYTES = 16 * 1024 * 1024;

    private ?\CurlHandle $handle = null;

    /**
     * @param float $connectTimeout seconds to establish the connection
     */
    public function __construct(private readonly float $connectTimeout = 5.0)
    {
    }

    public function send(Request $request): Response
    {
        if ($this->handle === null) {
            $h = curl_init();
            if ($h === false) {
                throw new TransportException('curl_init failed', null);
            }
            $this->handle = $h;
        } else {
            curl_reset($this->handle);
        }
        $h = $this->handle;
        $headers = [];
        $body = '';
        $tooLarge = false;
        $lines = [];
        foreach ($request->headers as $name => $value) {
            $lines[] = $name . ': ' . $value;
        }
        // No "Expect: 100-continue" round trip on POST bodies.
        $lines[] = 'Expect:';
        curl_setopt_array($h, [
            CURLOPT_URL => $request->url,
            CURLOPT_CUSTOMREQUEST => $request->method,
            CURLOPT_HTTPHEADER => $lines,
            CURLOPT_PROTOCOLS => CURLPROTO_HTTP | CURLPROTO_HTTPS,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_CONNECTTIMEOUT_MS => (int) ceil($this->connectTimeout * 1000),
            CURLOPT_TIMEOUT_MS => (int) ceil($request->timeout * 1000),
            CURLOPT_NOSIGNAL => true,
            CURLOPT_HEADERFUNCTION => static function ($ch, string $line) use (&$headers): int {
                // A new status line (after 100 Continue) starts over.
                if (str_starts_with($line, 'HTTP/')) {
                    $headers = [];
                } elseif (($p = strpos($line, ':')) !== false) {
                    $headers[strtolower(trim(substr($line, 0, $p)))] = trim(substr($line, $p + 1));
                }
                return strlen($line);
            },
            CURLOPT_WRITEFUNCTION => static function ($ch, string $chunk) use (&$body, &$tooLarge): int {
                if (strlen($body) + strlen($chunk) > self::MAX_BODY_BYTES) {
                    $tooLarge = true;
                    return 0;   // makes curl abort the transfer
                }
                $body .= $chunk;
                return strlen($chunk);
            },
        ]);
        if ($request->body !== null) {
            curl_setopt($h, CURLOPT_POSTFIELDS, $request->body);
        } elseif ($request->method === 'HEAD') {
            curl_setopt($h, CURLOPT_NOBODY, true);
        }
        $ok = curl_exec($h);
        $requestId = $request->headers['X-Request-Id'] ?? null;
        if ($tooLarge) {
            throw new TransportException(
                sprintf('%s %s: response body over %d bytes', $request->method, $request->url, self::MAX_BODY_BYTES),
                $requestId,
            );
        }
        if ($ok === false) {
            $errno = curl_errno($h);
            throw new TransportException(
                sprintf('%s %s: %s', $request->method, $request->url, curl_error($h)),
                $requestId,
                $errno === CURLE_OPERATION_TIMEDOUT,
            );
        }
        return new Response((int) curl_getinfo($h, CURLINFO_RESPONSE_CODE), $headers, $body);
    }
}
