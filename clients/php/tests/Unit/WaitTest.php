<?php

declare(strict_types=1);

namespace Wfm\Tests\Unit;

use PHPUnit\Framework\TestCase;
use Wfm\Client;
use Wfm\Exception\NotFoundException;
use Wfm\Exception\WaitTimeoutException;
use Wfm\Request;
use Wfm\Response;

/**
 * wait() against a fake transport and a fake clock: a held long poll
 * advances the clock by its wait, an answer "at once" does not.
 */
final class WaitTest extends TestCase
{
    private float $now = 1000.0;
    /** @var list<float> */
    private array $sleeps = [];

    private function client(FakeTransport $t): Client
    {
        return new Client('http://wfm.test/api/v1', 't', [
            'transport' => $t,
            'clock' => fn (): float => $this->now,
            'sleep' => function (float $s): void {
                $this->sleeps[] = $s;
                $this->now += $s;
            },
        ]);
    }

    /** An answer after the server held the request for its whole wait. */
    private function held(string $status): callable
    {
        return function (Request $r) use ($status): Response {
            $this->now += isset($r->headers['Prefer']) ? (int) substr($r->headers['Prefer'], 5) : 0.5;
            return FakeTransport::json(200, ['status' => $status]);
        };
    }

    /** An answer at once (no waiter slot was free). */
    private function atOnce(string $status): callable
    {
        return function (Request $r) use ($status): Response {
            $this->now += 0.01;
            return FakeTransport::json(200, ['status' => $status]);
        };
    }

    public function testHeldPollsLoopWithoutSleeping(): void
    {
        $t = new FakeTransport($this->held('running'), $this->held('running'),
            FakeTransport::json(200, ['status' => 'completed', 'final_result' => ['x' => 1]]));
        $doc = $this->client($t)->wait('e1', 100);
        $this->assertSame(['status' => 'completed', 'final_result' => ['x' => 1]], $doc);
        $this->assertSame([], $this->sleeps);
        $this->assertSame(['wait=30', 'wait=30', 'wait=30'], array_map(fn ($r) => $r->headers['Prefer'], $t->requests));
        $this->assertSame('http://wfm.test/api/v1/workflow-management/executions/e1', $t->requests[0]->url);
        $this->assertSame(60.0, $t->requests[0]->timeout, 'request timeout is the wait plus the client timeout');
    }

    public function testImmediateNonTerminalAnswersBackOff(): void
    {
        $t = new FakeTransport();
        for ($i = 0; $i < 7; $i++) {
            $t->push($this->atOnce('pending'));
        }
        $t->push($this->atOnce('failed'));
        $this->assertSame('failed', $this->client($t)->wait('e1', 100)['status']);
        $this->assertSame([0.25, 0.5, 1.0, 2.0, 4.0, 5.0, 5.0], $this->sleeps);
        $this->assertSame(0, $t->pending());
    }

    public function testBackoffResetsOnceTheServerHoldsAgain(): void
    {
        $t = new FakeTransport($this->atOnce('running'), $this->atOnce('running'), $this->held('running'),
            $this->atOnce('running'), FakeTransport::json(200, ['status' => 'cancelled']));
        $this->assertSame('cancelled', $this->client($t)->wait('e1', 300)['status']);
        $this->assertSame([0.25, 0.5, 0.25], $this->sleeps);
    }

    public function testDeadlineThrowsWithTheLastDocument(): void
    {
        $t = new FakeTransport($this->held('running'), $this->held('running'), $this->held('running'));
        try {
            $this->client($t)->wait('e1', 45.5);
            $this->fail('no exception');
        } catch (WaitTimeoutException $e) {
            $this->assertSame(['status' => 'running'], $e->getDocument());
            $this->assertSame('execution e1 still running after 45.5 s', $e->getMessage());
        }
        // 30 s, then the 15 s left (rounded down), then 0.5 s: no Prefer.
        $this->assertSame('wait=30', $t->requests[0]->headers['Prefer']);
        $this->assertSame('wait=15', $t->requests[1]->headers['Prefer']);
        $this->assertArrayNotHasKey('Prefer', $t->requests[2]->headers);
        $this->assertCount(3, $t->requests);
    }

    public function testTerminalAtTheFirstAnswerReturnsAtOnce(): void
    {
        $t = new FakeTransport(FakeTransport::json(200, ['status' => 'timed_out']));
        $this->assertSame('timed_out', $this->client($t)->wait('e1', 0.2)['status']);
        $this->assertArrayNotHasKey('Prefer', $t->requests[0]->headers);
    }

    public function testRateLimitedPollsSleepRetryAfter(): void
    {
        $t = new FakeTransport(FakeTransport::json(429, ['detail' => 'Too many waiting requests'], ['Retry-After' => '2']),
            FakeTransport::json(429, ['detail' => 'Too many waiting requests']),
            FakeTransport::json(200, ['status' => 'completed']));
        $this->assertSame('completed', $this->client($t)->wait('e1', 60)['status']);
        $this->assertSame([2.0, 0.5], $this->sleeps);
    }

    public function testOtherErrorsPropagate(): void
    {
        $t = new FakeTransport(FakeTransport::json(404, ['detail' => 'Execution not found']));
        $this->expectException(NotFoundException::class);
        $this->client($t)->wait('e1', 60);
    }
}
