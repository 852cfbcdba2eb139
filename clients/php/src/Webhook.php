<?php

declare(strict_types=1);

namespace Wfm;

use Wfm\Exception\WebhookVerificationException;

/**
 * Verifies a webhook signed as Standard Webhooks 1.0 prescribes
 * (https://www.standardwebhooks.com, symmetric scheme):
 *
 *   - headers webhook-id, webhook-timestamp (Unix seconds) and
 *     webhook-signature, a space-separated list of "v1,<base64>";
 *   - each v1 signature is base64(HMAC-SHA256(key, "id.timestamp.body"))
 *     with key the base64-decoded secret after its "whsec_" prefix;
 *   - the delivery is accepted when any v1 entry matches (during a
 *     secret rotation the sender signs with the old and the new secret),
 *     compared in constant time, and the timestamp is within the
 *     tolerance of now, either way (replays).
 *
 *     $wh = new Webhook(getenv('WFM_WEBHOOK_SECRET'));
 *     $event = $wh->verify(file_get_contents('php://input'), $_SERVER);
 *
 * The body must be the raw bytes received, never re-encoded JSON.
 */
final class Webhook
{
    public const SECRET_PREFIX = 'whsec_';
    public const DEFAULT_TOLERANCE = 300;
    /** Largest webhook-signature header considered, in bytes. */
    private const MAX_SIGNATURE_HEADER = 8192;

    private readonly string $key;

    /**
     * @param string $secret "whsec_<base64>" (the prefix is optional)
     * @param int $tolerance seconds a timestamp may be off from now
     */
    public function __construct(string $secret, private readonly int $tolerance = self::DEFAULT_TOLERANCE)
    {
        if (str_starts_with($secret, self::SECRET_PREFIX)) {
            $secret = substr($secret, strlen(self::SECRET_PREFIX));
        }
        $key = base64_decode($secret, true);
        if ($key === false || $key === '') {
            throw new \InvalidArgumentException('webhook secret must be whsec_ followed by base64');
        }
        if ($tolerance < 0) {
            throw new \InvalidArgumentException('tolerance must not be negative');
        }
        $this->key = $key;
    }

    /**
     * Checks the signature and the timestamp of a delivery and returns its
     * body decoded as JSON (arrays).
     *
     * @param string $body the raw request body
     * @param array<string, string|list<string>> $headers any case; values
     *     may be lists (PSR-7 getHeaders()); $_SERVER works too
     *     (HTTP_WEBHOOK_ID ...)
     * @param int|null $now Unix time to check against (default: time())
     * @throws WebhookVerificationException
     */
    public function verify(string $body, array $headers, ?int $now = null): mixed
    {
        $h = self::normalize($headers);
        $id = $h['webhook-id'] ?? null;
        $ts = $h['webhook-timestamp'] ?? null;
        $sigs = $h['webhook-signature'] ?? null;
        if ($id === null || $ts === null || $sigs === null || $id === '') {
            throw new WebhookVerificationException('missing webhook-id, webhook-timestamp or webhook-signature');
        }
        if (!preg_match('/^[0-9]{1,12}$/', $ts)) {
            throw new WebhookVerificationException('webhook-timestamp is not a Unix time in seconds');
        }
        $now ??= time();
        if ((int) $ts < $now - $this->tolerance) {
            throw new WebhookVerificationException('webhook-timestamp too old');
        }
        if ((int) $ts > $now + $this->tolerance) {
            throw new WebhookVerificationException('webhook-timestamp too new');
        }
        if (strlen($sigs) > self::MAX_SIGNATURE_HEADER) {
            throw new WebhookVerificationException('webhook-signature too long');
        }
        $expected = $this->sign($id, (int) $ts, $body);
        $found = false;
        foreach (explode(' ', $sigs) as $entry) {
            // Whole entries: "v1a,...", "v2,..." never match. Every entry
            // is compared, whatever the outcome of the others.
            if (hash_equals($expected, $entry)) {
                $found = true;
            }
        }
        if (!$found) {
            throw new WebhookVerificationException('no matching signature');
        }
        try {
            return json_decode($body, true, 512, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new WebhookVerificationException('signed body is not JSON: ' . $e->getMessage());
        }
    }

    /**
     * The "v1,<base64>" signature of a message (for senders and tests).
     */
    public function sign(string $id, int $timestamp, string $body): string
    {
        return 'v1,' . base64_encode(hash_hmac('sha256', "$id.$timestamp.$body", $this->key, true));
    }

    /**
     * @param array<string, mixed> $headers
     * @return array<string, string> lower-case names with "-"; the values
     *     of a list joined by spaces
     */
    private static function normalize(array $headers): array
    {
        $out = [];
        foreach ($headers as $name => $value) {
            $n = strtolower(str_replace('_', '-', (string) $name));
            if (str_starts_with($n, 'http-')) {
                $n = substr($n, 5);
            }
            if (is_array($value)) {
                $value = implode(' ', array_filter($value, 'is_string'));
            }
            if (is_string($value)) {
                $out[$n] = trim($value);
            }
        }
        return $out;
    }
}
