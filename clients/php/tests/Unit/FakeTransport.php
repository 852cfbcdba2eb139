<?php

declare(strict_types=1);

namespace Wfm\Tests\Unit;

use Wfm\Request;
use Wfm\Response;
use Wfm\Transport;

/**
 * Answers from a queue (Response, Throwable to throw, or a callable
 * taking the Request) and records every request.
 */
final class FakeTransport implements Transport
{
    /** @var list<Request> */
    public array $requests = [];

    /** @var list<Response|\Throwable|callable> */
    private array $queue;

    public function __construct(Response|\Throwable|callable ...$answers)
    {
        $this->queue = $answers;
    }

    public function push(Response|\Throwable|callable $answer): void
    {
        $this->queue[] = $answer;
    }

    public function send(Request $request): Response
    {
        $this->requests[] = $request;
        if ($this->queue === []) {
            throw new \LogicException("unexpected request: $request->method $request->url");
        }
        $a = array_shift($this->queue);
        if ($a instanceof \Throwable) {
            throw $a;
        }
        return $a instanceof Response ? $a : $a($request);
    }

    public function pending(): int
    {
        return count($this->queue);
    }

    /** @param array<string, mixed>|list<mixed> $body */
    public static function json(int $status, array $body, array $headers = []): Response
    {
        return new Response($status, $headers + ['Content-Type' => 'application/json'],
            json_encode($body, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES));
    }
}
