<?php

declare(strict_types=1);

namespace Wfm;

use Wfm\Exception\ApiException;
use Wfm\Exception\AuthenticationException;
use Wfm\Exception\ConflictException;
use Wfm\Exception\ForbiddenException;
use Wfm\Exception\NotFoundException;
use Wfm\Exception\RateLimitException;
use Wfm\Exception\ServerException;
use Wfm\Exception\ValidationException;
use Wfm\Exception\WaitTimeoutException;
use Wfm\Exception\WfmException;

/**
 * Client of the wfm HTTP API (docs/openapi.yaml). Documents are returned
 * as decoded JSON arrays, exactly as the server sent them; every error
 * status is thrown as a subclass of ApiException, every failure to get
 * an answer as TransportException.
 *
 *     $wfm = new Client('https://example.com/api/v1', $jwt);
 *     $e = $wfm->execute($templateId, ['amount' => 10], 'order-1234');
 *     $doc = $wfm->wait($e['execution_id'], 120);
 */
final class Client
{
    /** Execution statuses after which nothing changes without a retry. */
    public const TERMINAL = ['completed', 'failed', 'cancelled', 'timed_out'];

    /** The server caps Prefer: wait at this many seconds. */
    public const MAX_PREFER_WAIT = 30;

    private const SIGNAL_NAME = '/^[A-Za-z0-9_.-]{1,64}$/';
    private const BACKOFF_FIRST = 0.25;
    private const BACKOFF_MAX = 5.0;
    private const OPTIONS = ['timeout', 'connect_timeout', 'user_agent', 'transport', 'clock', 'sleep'];

    private readonly string $baseUrl;
    private readonly float $timeout;
    private readonly string $userAgent;
    private readonly Transport $transport;
    /** @var \Closure(): float */
    private readonly \Closure $clock;
    /** @var \Closure(float): void */
    private readonly \Closure $sleep;
    private ?Response $lastResponse = null;

    /**
     * @param string $baseUrl the API base, e.g. https://example.com/api/v1
     * @param string $token a JWT, sent as Authorization: Bearer
     * @param array{timeout?: float, connect_timeout?: float, user_agent?: string,
     *     transport?: Transport, clock?: callable(): float, sleep?: callable(float): void} $options
     *     timeout: seconds for one request (default 30; a long poll gets
     *     its wait on top); connect_timeout: seconds to connect (default 5);
     *     transport, clock and sleep replace the real ones (tests).
     */
    public function __construct(string $baseUrl, private readonly string $token, array $options = [])
    {
        $unknown = array_diff(array_keys($options), self::OPTIONS);
        if ($unknown !== []) {
            throw new \InvalidArgumentException('unknown option: ' . implode(', ', $unknown));
        }
        if (!preg_match('#^https?://[^/?\#]+#', $baseUrl)) {
            throw new \InvalidArgumentException("base URL must start with http:// or https://: $baseUrl");
        }
        if ($token === '' || preg_match('/[\x00-\x20\x7f]/', $token)) {
            throw new \InvalidArgumentException('token must be non-empty, without spaces or control characters');
        }
        $this->baseUrl = rtrim($baseUrl, '/');
        $this->timeout = (float) ($options['timeout'] ?? 30.0);
        if ($this->timeout <= 0) {
            throw new \InvalidArgumentException('timeout must be positive');
        }
        $this->userAgent = $options['user_agent'] ?? 'wfm-php/1';
        $this->transport = $options['transport']
            ?? new CurlTransport((float) ($options['connect_timeout'] ?? 5.0));
        $this->clock = \Closure::fromCallable($options['clock'] ?? static fn (): float => microtime(true));
        $this->sleep = \Closure::fromCallable($options['sleep']
            ?? static function (float $s): void {
                if ($s > 0) {
                    usleep((int) ($s * 1e6));
                }
            });
    }

    /**
     * POST /workflow-management/execute. Answers the 202 summary of a new
     * execution, the 200 summary of an idempotent replay, with $wait the
     * full document if it ended in time, with $dryRun {"valid", "template_version"}.
     * lastResponse() has the status and the Location.
     *
     * @param array<string, mixed>|object $input input_data; [] is sent as {}
     * @param string|null $executionName the idempotency key
     * @param int|null $wait Prefer: wait=N, 1..30 seconds
     * @param array{url: string, events: list<string>}|null $notify the
     *     webhook of this execution (needs a secret: createWebhookSecret())
     * @return array<string, mixed>
     */
    public function execute(
        string $templateId,
        array|object $input = [],
        ?string $executionName = null,
        ?int $wait = null,
        bool $dryRun = false,
        ?array $notify = null,
    ): array {
        $body = ['template_id' => $templateId, 'input_data' => $input === [] ? new \stdClass() : $input];
        if ($executionName !== null) {
            $body['execution_name'] = $executionName;
        }
        if ($notify !== null) {
            $body['notify'] = $notify;
        }
        return $this->call('POST', '/workflow-management/execute', $body,
            $dryRun ? ['dry_run' => 'true'] : [], $wait);
    }

    /**
     * GET /workflow-management/executions/{id}: the full document; with
     * $wait the server holds the request up to that many seconds (1..30)
     * for the execution to end.
     *
     * @return array<string, mixed>
     */
    public function get(string $executionId, ?int $wait = null): array
    {
        return $this->call('GET', '/workflow-management/executions/' . self::seg($executionId), null, [], $wait);
    }

    /**
     * Long-polls until the execution is terminal and returns its document.
     * Each request asks the server to hold it (Prefer: wait, at most 30 s);
     * an answer that comes back at once although the execution runs on
     * (the server's waiter slots are taken), or a 429 from the web server,
     * is followed by a pause that doubles from 0.25 s up to 5 s.
     *
     * @param float $timeout seconds in all
     * @return array<string, mixed>
     * @throws WaitTimeoutException with the last document at the deadline
     */
    public function wait(string $executionId, float $timeout = 300.0): array
    {
        $deadline = ($this->clock)() + $timeout;
        $backoff = self::BACKOFF_FIRST;
        $doc = null;
        for ($tries = 0;; $tries++) {
            $remaining = $deadline - ($this->clock)();
            if ($tries > 0 && $remaining <= 0) {
                throw new WaitTimeoutException(
                    sprintf('execution %s still %s after %.1f s', $executionId, (string) ($doc['status'] ?? '?'), $timeout),
                    $doc ?? [],
                    $this->lastResponse?->header('x-request-id'),
                );
            }
            $n = (int) min(self::MAX_PREFER_WAIT, max(0.0, floor($remaining)));
            $t0 = ($this->clock)();
            try {
                $doc = $this->get($executionId, $n > 0 ? $n : null);
            } catch (RateLimitException $e) {
                $pause = max($backoff, (float) ($e->getRetryAfter() ?? 0));
                ($this->sleep)(min($pause, max(0.0, $deadline - ($this->clock)())));
                $backoff = min($backoff * 2, self::BACKOFF_MAX);
                continue;
            }
            if (in_array($doc['status'] ?? null, self::TERMINAL, true)) {
                return $doc;
            }
            if ($n > 0 && ($this->clock)() - $t0 >= $n - 0.5) {
                $backoff = self::BACKOFF_FIRST;     // held: the server waits for us
                continue;
            }
            ($this->sleep)(min($backoff, max(0.0, $deadline - ($this->clock)())));
            $backoff = min($backoff * 2, self::BACKOFF_MAX);
        }
    }

    /**
     * Every execution that matches, newest first, fetching pages of
     * $pageSize as the loop goes (GET /workflow-management/executions).
     *
     * @param array<string, string> $filters status, template_id, user_id (admin), ...
     * @return \Generator<int, array<string, mixed>>
     */
    public function list(array $filters = [], int $pageSize = 20): \Generator
    {
        $cursor = null;
        do {
            $page = $this->listPage($filters, $pageSize, $cursor);
            foreach ($page['items'] ?? [] as $item) {
                yield $item;
            }
            $cursor = $page['next_cursor'] ?? null;
        } while (is_string($cursor) && $cursor !== '');
    }

    /**
     * One page: {"items": [...], "next_cursor": "..." | null}.
     *
     * @param array<string, string> $filters
     * @return array<string, mixed>
     */
    public function listPage(array $filters = [], int $limit = 20, ?string $cursor = null): array
    {
        if (isset($filters['limit']) || isset($filters['cursor'])) {
            throw new \InvalidArgumentException('limit and cursor are arguments, not filters');
        }
        $query = $filters + ['limit' => (string) $limit];
        if ($cursor !== null) {
            $query['cursor'] = $cursor;
        }
        return $this->call('GET', '/workflow-management/executions', null, $query);
    }

    /**
     * POST .../executions/{id}/cancel: the 202 summary; ConflictException
     * when the execution has already ended.
     *
     * @return array<string, mixed>
     */
    public function cancel(string $executionId, ?string $reason = null): array
    {
        return $this->call('POST', '/workflow-management/executions/' . self::seg($executionId) . '/cancel',
            $reason === null ? null : ['reason' => $reason]);
    }

    /**
     * POST .../executions/{id}/retry (redrive of a failed, cancelled or
     * timed-out execution): the 202 summary; ConflictException otherwise.
     *
     * @return array<string, mixed>
     */
    public function retry(string $executionId): array
    {
        return $this->call('POST', '/workflow-management/executions/' . self::seg($executionId) . '/retry');
    }

    /**
     * POST .../executions/{id}/signals/{name} with {"payload": ...}:
     * {"execution_id", "signal", "consumed_by": step id | null}.
     *
     * @throws \InvalidArgumentException when the name is not 1..64 of [A-Za-z0-9_.-]
     * @return array<string, mixed>
     */
    public function signal(string $executionId, string $name, mixed $payload = null): array
    {
        if (!preg_match(self::SIGNAL_NAME, $name)) {
            throw new \InvalidArgumentException("signal name must be 1..64 of [A-Za-z0-9_.-]: $name");
        }
        return $this->call('POST', '/workflow-management/executions/' . self::seg($executionId)
            . '/signals/' . $name, ['payload' => $payload]);
    }

    /**
     * POST /workflow-management/templates: the stored template (201).
     *
     * @param array<string, mixed>|object $definition
     * @return array<string, mixed>
     */
    public function createTemplate(array|object $definition): array
    {
        return $this->call('POST', '/workflow-management/templates', $definition);
    }

    /**
     * GET /workflow-management/templates/{id}.
     *
     * @return array<string, mixed>
     */
    public function getTemplate(string $templateId): array
    {
        return $this->call('GET', '/workflow-management/templates/' . self::seg($templateId));
    }

    /**
     * POST /workflow-management/webhook-secret: creates or rotates the
     * caller's webhook signing secret and returns it ("whsec_..."). It is
     * shown this once; after a rotation the previous secret keeps signing
     * alongside the new one for 24 h. Keep it where Webhook can read it.
     *
     * @throws WfmException when the answer carries no whsec_ secret
     */
    public function createWebhookSecret(): string
    {
        $doc = $this->call('POST', '/workflow-management/webhook-secret');
        $secret = $doc['secret'] ?? null;
        if (!is_string($secret) || !str_starts_with($secret, Webhook::SECRET_PREFIX)) {
            throw new WfmException('POST /workflow-management/webhook-secret: answer has no whsec_ secret',
                $this->lastResponse?->header('x-request-id'));
        }
        return $secret;
    }

    /**
     * GET .../executions/{id}/notifications: {"items": [...]}, the webhook
     * deliveries of an execution, oldest first, each with its event, url,
     * status, webhook_id, next_try_at and attempt_history (time, status
     * code or error of every attempt).
     *
     * @return array<string, mixed>
     */
    public function notifications(string $executionId): array
    {
        return $this->call('GET', '/workflow-management/executions/' . self::seg($executionId) . '/notifications');
    }

    /** The last response received (status, Location, X-Request-Id), or null. */
    public function lastResponse(): ?Response
    {
        return $this->lastResponse;
    }

    /**
     * @param array<string, string> $query
     * @return array<string, mixed>
     */
    private function call(
        string $method,
        string $path,
        array|object|null $body = null,
        array $query = [],
        ?int $wait = null,
    ): array {
        $requestId = bin2hex(random_bytes(16));
        $headers = [
            'Authorization' => 'Bearer ' . $this->token,
            'Accept' => 'application/json',
            'User-Agent' => $this->userAgent,
            'X-Request-Id' => $requestId,
        ];
        $timeout = $this->timeout;
        if ($wait !== null) {
            if ($wait < 1 || $wait > self::MAX_PREFER_WAIT) {
                throw new \InvalidArgumentException('wait must be 1..' . self::MAX_PREFER_WAIT . " seconds: $wait");
            }
            $headers['Prefer'] = "wait=$wait";
            $timeout += $wait;
        }
        $json = null;
        if ($body !== null) {
            $headers['Content-Type'] = 'application/json; charset=utf-8';
            $json = json_encode($body, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES
                | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION);
        }
        $url = $this->baseUrl . $path . ($query === [] ? '' : '?' . http_build_query($query, '', '&', PHP_QUERY_RFC3986));
        $resp = $this->transport->send(new Request($method, $url, $headers, $json, $timeout));
        $this->lastResponse = $resp;
        $rid = $resp->header('x-request-id') ?? $requestId;
        $decoded = null;
        if ($resp->body !== '') {
            try {
                $decoded = json_decode($resp->body, true, 512, JSON_THROW_ON_ERROR);
            } catch (\JsonException $e) {
                if ($resp->status >= 200 && $resp->status < 300) {
                    throw new WfmException("$method $path: answer $resp->status is not JSON", $rid, $e);
                }
            }
        }
        if ($resp->status >= 200 && $resp->status < 300) {
            if ($decoded !== null && !is_array($decoded)) {
                throw new WfmException("$method $path: answer $resp->status is not a JSON object", $rid);
            }
            return $decoded ?? [];
        }
        throw self::error($method, $path, $resp, is_array($decoded) ? $decoded : null, $rid);
    }

    /**
     * @param array<string, mixed>|null $body
     */
    private static function error(string $method, string $path, Response $resp, ?array $body, string $rid): ApiException
    {
        $s = $resp->status;
        $detail = $body['detail'] ?? null;
        if (!is_string($detail) && !is_array($detail)) {
            $detail = null;
        }
        if (is_string($detail)) {
            $what = $detail;
        } elseif (is_array($detail) && is_array($detail[0] ?? null)) {
            $first = $detail[0];
            $what = sprintf('%s at %s%s', (string) ($first['msg'] ?? $first['type'] ?? 'invalid'),
                json_encode($first['loc'] ?? null), count($detail) > 1 ? sprintf(' (and %d more)', count($detail) - 1) : '');
        } else {
            $what = 'HTTP ' . $s;
        }
        $msg = "$method $path: $s $what";
        $class = match (true) {
            $s === 401 => AuthenticationException::class,
            $s === 403 => ForbiddenException::class,
            $s === 404 => NotFoundException::class,
            $s === 409 => ConflictException::class,
            $s === 422 => ValidationException::class,
            $s === 429 => RateLimitException::class,
            $s >= 500 => ServerException::class,
            default => ApiException::class,
        };
        return new $class($msg, $s, $detail, $body, $resp->headers, $rid);
    }

    private static function seg(string $s): string
    {
        if ($s === '') {
            throw new \InvalidArgumentException('id must not be empty');
        }
        return rawurlencode($s);
    }
}
