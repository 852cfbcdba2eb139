<?php

declare(strict_types=1);

namespace Wfm\Tests\Integration;

use PHPUnit\Framework\TestCase;
use Wfm\Client;
use Wfm\Exception\AuthenticationException;
use Wfm\Exception\ConflictException;
use Wfm\Exception\ForbiddenException;
use Wfm\Exception\NotFoundException;
use Wfm\Exception\ValidationException;

/**
 * The client against the real stack through nginx, started by
 * tests/php/run.sh (make check-php), which passes the base URL and tokens:
 * WFM_TEST_URL, WFM_TEST_TOKEN (alice, every role but admin),
 * WFM_TEST_TOKEN_READ (alice, workflow:read only), WFM_TEST_TOKEN_BOB
 * (bob, like alice). The stack runs with max_waiters_per_user = 1.
 */
final class ServiceTest extends TestCase
{
    private const FAST = [['id' => 'a', 'type' => 'transform', 'output' => ['v' => 1]]];
    private const FAIL = [
        ['id' => 'ok', 'type' => 'transform', 'output' => ['v' => 1]],
        ['id' => 'bad', 'type' => 'transform', 'depends_on' => ['ok'], 'output' => ['n' => '{{ input.a * 2 }}']],
    ];

    /** @var array<string, string> template name => id */
    private static array $templates = [];
    private static string $run;

    private static function env(string $name): string
    {
        $v = getenv($name);
        if ($v === false || $v === '') {
            self::fail("$name is not set: run the integration suite with tests/php/run.sh");
        }
        return $v;
    }

    private static function client(string $tokenVar = 'WFM_TEST_TOKEN', ?RecordingTransport $t = null): Client
    {
        return new Client(self::env('WFM_TEST_URL'), self::env($tokenVar),
            ['timeout' => 10.0] + ($t === null ? [] : ['transport' => $t]));
    }

    /** @param list<array<string, mixed>> $steps */
    private static function template(string $name, array $steps): string
    {
        if (!isset(self::$templates[$name])) {
            $t = self::client()->createTemplate(['name' => self::$run . "-$name", 'steps' => $steps]);
            self::$templates[$name] = $t['template_id'];
        }
        return self::$templates[$name];
    }

    private static function delay(int $seconds): array
    {
        return [['id' => 'w', 'type' => 'delay', 'seconds' => $seconds],
            ['id' => 'after', 'type' => 'transform', 'depends_on' => ['w'], 'output' => ['x' => 1]]];
    }

    public static function setUpBeforeClass(): void
    {
        self::$run = 'php-' . bin2hex(random_bytes(4));
    }

    public function testTemplateCreateAndGet(): void
    {
        $c = self::client();
        $t = $c->createTemplate(['name' => self::$run . '-tpl', 'steps' => self::FAST, 'is_public' => false]);
        $this->assertSame(201, $c->lastResponse()->status);
        $this->assertSame(1, $t['version']);
        $this->assertSame('alice', $t['owner_id']);
        $this->assertSame('/api/v1/workflow-management/templates/' . $t['template_id'],
            $c->lastResponse()->header('location'));
        $got = $c->getTemplate($t['template_id']);
        $this->assertSame($t['template_id'], $got['template_id']);
        $this->assertSame(self::$run . '-tpl', $got['name']);
        $this->assertSame(self::FAST, $got['steps']);
    }

    public function testExecuteReplayWaitAndGet(): void
    {
        $c = self::client();
        $tid = self::template('fast', self::FAST);
        $name = self::$run . '-order-1';
        $e = $c->execute($tid, ['k' => 1, 's' => 'x'], $name);
        $this->assertSame(202, $c->lastResponse()->status);
        $id = $e['execution_id'];
        $loc = '/api/v1/workflow-management/executions/' . $id;
        $this->assertSame($loc, $c->lastResponse()->header('location'));
        $this->assertSame($name, $e['execution_name']);
        $this->assertSame($tid, $e['template_id']);
        $this->assertSame(1, $e['template_version']);

        // The same request again (keys in another order): 200, same id.
        $again = $c->execute($tid, ['s' => 'x', 'k' => 1], $name);
        $this->assertSame(200, $c->lastResponse()->status);
        $this->assertSame($loc, $c->lastResponse()->header('location'));
        $this->assertSame($id, $again['execution_id']);

        $doc = $c->wait($id, 30);
        $this->assertSame('completed', $doc['status']);
        $got = $c->get($id);
        $this->assertSame('completed', $got['status']);
        $this->assertSame('alice', $got['user_id']);
        $this->assertSame(['k' => 1, 's' => 'x'], $got['input_data']);
        $this->assertCount(1, $got['steps']);
        $this->assertSame('a', $got['steps'][0]['step_id']);
        $this->assertSame('completed', $got['steps'][0]['status']);
        $this->assertSame(['v' => 1], $got['steps'][0]['output']);

        // The same name with another input: 409 naming the execution.
        try {
            $c->execute($tid, ['k' => 2], $name);
            $this->fail('no conflict');
        } catch (ConflictException $x) {
            $this->assertSame(409, $x->getStatus());
            $this->assertSame($id, $x->getExecutionId());
            $this->assertSame('execution_name already used with different parameters', $x->getDetail());
        }
    }

    public function testExecuteWithPreferWaitAnswersTheFinishedDocument(): void
    {
        $c = self::client();
        $doc = $c->execute(self::template('fast', self::FAST), [], null, 20);
        $this->assertSame(200, $c->lastResponse()->status);
        $this->assertSame('completed', $doc['status']);
        $this->assertSame('completed', $doc['steps'][0]['status']);
    }

    public function testListIteratesEveryPage(): void
    {
        $t = new RecordingTransport();
        $c = self::client('WFM_TEST_TOKEN', $t);
        $tid = self::template('list', self::FAST);
        $ids = [];
        for ($i = 0; $i < 5; $i++) {
            $ids[] = $c->execute($tid)['execution_id'];
        }
        $t->log = [];
        $seen = [];
        foreach ($c->list(['template_id' => $tid], 2) as $item) {
            $this->assertSame($tid, $item['template_id']);
            $seen[] = $item['execution_id'];
        }
        $this->assertCount(5, $seen);
        $this->assertEqualsCanonicalizing($ids, $seen);
        $this->assertCount(3, $t->log, 'pages of 2, 2 and 1');
        $this->assertStringNotContainsString('cursor=', $t->log[0][0]->url);
        $this->assertStringContainsString('cursor=', $t->log[2][0]->url);
    }

    public function testCancelADelayStepExecution(): void
    {
        $c = self::client();
        $id = $c->execute(self::template('delay30', self::delay(30)))['execution_id'];
        $s = $c->cancel($id, 'no longer needed');
        $this->assertSame(202, $c->lastResponse()->status);
        $this->assertSame($id, $s['execution_id']);
        $doc = $c->wait($id, 10);
        $this->assertSame('cancelled', $doc['status']);
        $this->assertSame('no longer needed', $doc['cancel_reason']);
        $this->assertSame('cancelled', $doc['steps'][1]['status']);
        try {
            $c->cancel($id);
            $this->fail('cancelled twice');
        } catch (ConflictException $x) {
            $this->assertSame('Execution already cancelled', $x->getDetail());
            $this->assertNull($x->getExecutionId());
        }
    }

    public function testRetryAFailedExecution(): void
    {
        $c = self::client();
        $id = $c->execute(self::template('fail', self::FAIL), ['a' => 'x'])['execution_id'];
        $this->assertSame('failed', $c->wait($id, 30)['status']);
        $s = $c->retry($id);
        $this->assertSame(202, $c->lastResponse()->status);
        $this->assertSame($id, $s['execution_id']);
        $after = $c->wait($id, 30);
        $this->assertSame('failed', $after['status']);
        $this->assertSame(1, $after['redrive_count']);
        $this->assertSame('completed', $after['steps'][0]['status']);

        $done = $c->execute(self::template('fast', self::FAST), [], null, 20);
        $this->assertSame('completed', $done['status']);
        $this->expectException(ConflictException::class);
        $c->retry($done['execution_id']);
    }

    public function testValidationErrorsCarryTheDetailList(): void
    {
        $c = self::client();
        try {
            $c->execute('');
            $this->fail('accepted');
        } catch (ValidationException $x) {
            $this->assertSame(422, $x->getStatus());
            $this->assertCount(1, $x->getErrors());
            $this->assertSame('string_too_short', $x->getErrors()[0]['type']);
            $this->assertSame(['body', 'template_id'], $x->getErrors()[0]['loc']);
        }
        try {
            $c->execute(self::template('fast', self::FAST), [1, 2]);
            $this->fail('accepted');
        } catch (ValidationException $x) {
            $this->assertSame('dict_type', $x->getErrors()[0]['type']);
            $this->assertSame(['body', 'input_data'], $x->getErrors()[0]['loc']);
        }
    }

    public function testBadTokenIs401WithTheRequestId(): void
    {
        $t = new RecordingTransport();
        $c = new Client(self::env('WFM_TEST_URL'), 'not.a.jwt', ['transport' => $t]);
        try {
            $c->get('00000000-0000-4000-8000-000000000000');
            $this->fail('accepted');
        } catch (AuthenticationException $x) {
            $this->assertSame(401, $x->getStatus());
            $this->assertSame('Bearer realm="wfm", error="invalid_token"', $x->getHeader('WWW-Authenticate'));
            $this->assertSame($t->log[0][0]->headers['X-Request-Id'], $x->getRequestId());
            $this->assertIsString($x->getDetail());
        }
    }

    public function testMissingRoleIs403AndOthersExecutionsToo(): void
    {
        $tid = self::template('fast', self::FAST);
        try {
            self::client('WFM_TEST_TOKEN_READ')->execute($tid);
            $this->fail('accepted');
        } catch (ForbiddenException $x) {
            $this->assertSame(403, $x->getStatus());
            $this->assertSame('Missing role workflow:execute', $x->getDetail());
        }
        $id = self::client()->execute($tid)['execution_id'];
        try {
            self::client('WFM_TEST_TOKEN_BOB')->get($id);
            $this->fail('bob read alice\'s execution');
        } catch (ForbiddenException $x) {
            $this->assertSame('Access denied', $x->getDetail());
        }
    }

    public function testUnknownExecutionIs404(): void
    {
        try {
            self::client()->get('00000000-0000-4000-8000-000000000000');
            $this->fail('found');
        } catch (NotFoundException $x) {
            $this->assertSame('Execution not found', $x->getDetail());
            $this->assertMatchesRegularExpression('/^[0-9a-f]{32}$/', (string) $x->getRequestId());
        }
    }

    /**
     * With the user's one waiter slot held by another request, the server
     * answers wait() at once; the client polls with backoff and still
     * returns the finished document.
     */
    public function testWaitPollsWhenTheWaiterSlotIsTaken(): void
    {
        $c = self::client();
        $holdId = $c->execute(self::template('delay30', self::delay(30)))['execution_id'];
        $id = $c->execute(self::template('delay2', self::delay(2)))['execution_id'];
        $url = self::env('WFM_TEST_URL') . '/workflow-management/executions/' . $holdId;
        $hold = proc_open(['curl', '-s', '-o', '/dev/null', '-m', '20', '-H', 'Prefer: wait=15',
            '-H', 'Authorization: Bearer ' . self::env('WFM_TEST_TOKEN'), $url], [], $pipes);
        $this->assertIsResource($hold);
        try {
            // An answer takes milliseconds: still running after 1 s, it is held.
            usleep(1000000);
            $this->assertTrue(proc_get_status($hold)['running'], 'the holding request is held');
            $t = new RecordingTransport();
            $t0 = microtime(true);
            $doc = self::client('WFM_TEST_TOKEN', $t)->wait($id, 19.5);
            $this->assertSame('completed', $doc['status']);
            $this->assertLessThan(8.0, microtime(true) - $t0);
            $this->assertGreaterThanOrEqual(2, count($t->log));
            $this->assertSame('wait=19', $t->log[0][0]->headers['Prefer'], 'whole seconds left, rounded down');
            $this->assertLessThan(1.0, $t->log[0][2], 'not held: the slot was taken');
            $this->assertContains(json_decode($t->log[0][1]->body, true)['status'], ['pending', 'running']);
        } finally {
            proc_terminate($hold);
            proc_close($hold);
            $c->cancel($holdId);
        }
    }
}
