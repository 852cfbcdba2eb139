<?php

declare(strict_types=1);

namespace Wfm\Tests\Unit;

use PHPUnit\Framework\TestCase;
use Wfm\Client;
use Wfm\Exception\ApiException;
use Wfm\Exception\AuthenticationException;
use Wfm\Exception\ConflictException;
use Wfm\Exception\ForbiddenException;
use Wfm\Exception\NotFoundException;
use Wfm\Exception\RateLimitException;
use Wfm\Exception\ServerException;
use Wfm\Exception\TransportException;
use Wfm\Exception\ValidationException;
use Wfm\Exception\WfmException;
use Wfm\Response;

final class ClientTest extends TestCase
{
    private const BASE = 'https://wfm.example/api/v1';
    private const ID = '3f1c2b7a-0000-4000-8000-000000000001';
    private const EXE = self::BASE . '/workflow-management/executions/';

    private static function client(FakeTransport $t, array $opt = []): Client
    {
        return new Client(self::BASE . '/', 'tok.en.sig', $opt + ['transport' => $t, 'timeout' => 7.0]);
    }

    /** @return array<string, mixed> */
    private static function body(FakeTransport $t, int $i = 0): mixed
    {
        return json_decode((string) $t->requests[$i]->body, true, 512, JSON_THROW_ON_ERROR);
    }

    public function testExecuteSendsBodyHeadersAndReturnsSummary(): void
    {
        $summary = ['execution_id' => self::ID, 'status' => 'pending'];
        $t = new FakeTransport(FakeTransport::json(202, $summary,
            ['Location' => '/api/v1/workflow-management/executions/' . self::ID, 'X-Request-Id' => 'rid-1']));
        $c = self::client($t);

        $this->assertSame($summary, $c->execute('tpl-1', ['amount' => 10, 'f' => 1.0], 'order-1'));

        $r = $t->requests[0];
        $this->assertSame('POST', $r->method);
        $this->assertSame(self::BASE . '/workflow-management/execute', $r->url);
        $this->assertSame('Bearer tok.en.sig', $r->headers['Authorization']);
        $this->assertSame('application/json; charset=utf-8', $r->headers['Content-Type']);
        $this->assertMatchesRegularExpression('/^[0-9a-f]{32}$/', $r->headers['X-Request-Id']);
        $this->assertArrayNotHasKey('Prefer', $r->headers);
        $this->assertSame(7.0, $r->timeout);
        $this->assertSame('{"template_id":"tpl-1","input_data":{"amount":10,"f":1.0},"execution_name":"order-1"}',
            $r->body);
        $this->assertSame(202, $c->lastResponse()->status);
        $this->assertSame('/api/v1/workflow-management/executions/' . self::ID, $c->lastResponse()->header('location'));
    }

    public function testExecuteSendsEmptyInputAsObjectAndNoName(): void
    {
        $t = new FakeTransport(FakeTransport::json(202, ['status' => 'pending']));
        self::client($t)->execute('tpl-1');
        $this->assertSame('{"template_id":"tpl-1","input_data":{}}', $t->requests[0]->body);
    }

    public function testExecuteWithWaitAndDryRun(): void
    {
        $t = new FakeTransport(FakeTransport::json(200, ['status' => 'completed']),
            FakeTransport::json(200, ['valid' => true, 'template_version' => 3]));
        $c = self::client($t);
        $this->assertSame('completed', $c->execute('t', [], null, 5)['status']);
        $this->assertSame('wait=5', $t->requests[0]->headers['Prefer']);
        $this->assertSame(12.0, $t->requests[0]->timeout);
        $this->assertSame(['valid' => true, 'template_version' => 3], $c->execute('t', [], null, null, true));
        $this->assertSame(self::BASE . '/workflow-management/execute?dry_run=true', $t->requests[1]->url);
    }

    public function testWaitOutOfRangeIsRejectedBeforeSending(): void
    {
        $t = new FakeTransport();
        $this->expectException(\InvalidArgumentException::class);
        self::client($t)->get(self::ID, 31);
    }

    public function testGetEncodesTheIdAndSendsNoBody(): void
    {
        $t = new FakeTransport(FakeTransport::json(200, ['status' => 'running']));
        $this->assertSame(['status' => 'running'], self::client($t)->get('a/b c'));
        $this->assertSame(self::EXE . 'a%2Fb%20c', $t->requests[0]->url);
        $this->assertSame('GET', $t->requests[0]->method);
        $this->assertNull($t->requests[0]->body);
        $this->assertArrayNotHasKey('Content-Type', $t->requests[0]->headers);
    }

    /** @return array<string, array{int, class-string}> */
    public static function statuses(): array
    {
        return [
            '400' => [400, ApiException::class],
            '401' => [401, AuthenticationException::class],
            '403' => [403, ForbiddenException::class],
            '404' => [404, NotFoundException::class],
            '405' => [405, ApiException::class],
            '409' => [409, ConflictException::class],
            '413' => [413, ApiException::class],
            '415' => [415, ApiException::class],
            '429' => [429, RateLimitException::class],
            '500' => [500, ServerException::class],
            '502' => [502, ServerException::class],
            '503' => [503, ServerException::class],
        ];
    }

    /** @dataProvider statuses */
    public function testErrorStatusesMapToTypedExceptions(int $status, string $class): void
    {
        $t = new FakeTransport(FakeTransport::json($status, ['detail' => 'Some sentence'],
            ['X-Request-Id' => 'srv-rid-7']));
        try {
            self::client($t)->get(self::ID);
            $this->fail('no exception');
        } catch (ApiException $e) {
            $this->assertSame($class, $e::class);
            $this->assertSame($status, $e->getStatus());
            $this->assertSame('Some sentence', $e->getDetail());
            $this->assertSame('srv-rid-7', $e->getRequestId());
            $this->assertSame("GET /workflow-management/executions/" . self::ID . ": $status Some sentence",
                $e->getMessage());
        }
    }

    public function testValidationExceptionCarriesTheDetailList(): void
    {
        $detail = [
            ['type' => 'string_too_short', 'loc' => ['body', 'template_id'], 'msg' => 'String should have at least 1 character', 'input' => ''],
            ['type' => 'extra_forbidden', 'loc' => ['body', 'x'], 'msg' => 'Extra inputs are not permitted', 'input' => 1],
        ];
        $t = new FakeTransport(FakeTransport::json(422, ['detail' => $detail]));
        try {
            self::client($t)->execute('');
            $this->fail('no exception');
        } catch (ValidationException $e) {
            $this->assertSame($detail, $e->getErrors());
            $this->assertSame($detail, $e->getDetail());
            $this->assertSame(['body', 'template_id'], $e->getErrors()[0]['loc']);
            $this->assertSame('POST /workflow-management/execute: 422 String should have at least 1 character'
                . ' at ["body","template_id"] (and 1 more)', $e->getMessage());
        }
    }

    public function testRequestIdFallsBackToTheOneSent(): void
    {
        $t = new FakeTransport(new Response(502, [], '<html>Bad Gateway</html>'));
        try {
            self::client($t)->get(self::ID);
            $this->fail('no exception');
        } catch (ServerException $e) {
            $this->assertSame($t->requests[0]->headers['X-Request-Id'], $e->getRequestId());
            $this->assertNull($e->getDetail());
            $this->assertNull($e->getBody());
            $this->assertStringEndsWith(': 502 HTTP 502', $e->getMessage());
        }
    }

    public function testConflictCarriesTheExistingExecutionId(): void
    {
        $t = new FakeTransport(FakeTransport::json(409,
            ['detail' => 'execution_name already used with different parameters', 'execution_id' => self::ID]));
        try {
            self::client($t)->execute('t', ['a' => 1], 'n');
            $this->fail('no exception');
        } catch (ConflictException $e) {
            $this->assertSame(self::ID, $e->getExecutionId());
        }
    }

    public function testRetryAfterOn429And503(): void
    {
        $t = new FakeTransport(
            FakeTransport::json(429, ['detail' => 'quota'], ['Retry-After' => '17']),
            FakeTransport::json(503, ['detail' => 'db'], ['retry-after' => '5']),
            FakeTransport::json(503, ['detail' => 'db'], ['Retry-After' => 'Wed, 21 Oct 2026 07:28:00 GMT']),
        );
        $c = self::client($t);
        foreach ([17, 5, null] as $want) {
            try {
                $c->get(self::ID);
                $this->fail('no exception');
            } catch (RateLimitException | ServerException $e) {
                $this->assertSame($want, $e->getRetryAfter());
            }
        }
    }

    public function testTransportExceptionPassesThrough(): void
    {
        $t = new FakeTransport(new TransportException('connect refused', 'x', false));
        $this->expectException(TransportException::class);
        $this->expectExceptionMessage('connect refused');
        self::client($t)->get(self::ID);
    }

    public function testNonJsonSuccessIsAnError(): void
    {
        $t = new FakeTransport(new Response(200, ['X-Request-Id' => 'r9'], 'not json'),
            new Response(200, ['X-Request-Id' => 'r10'], '"a string"'));
        $c = self::client($t);
        foreach (['r9' => 'is not JSON', 'r10' => 'is not a JSON object'] as $rid => $want) {
            try {
                $c->get(self::ID);
                $this->fail('no exception');
            } catch (WfmException $e) {
                $this->assertSame(WfmException::class, $e::class);
                $this->assertStringContainsString($want, $e->getMessage());
                $this->assertSame($rid, $e->getRequestId());
            }
        }
    }

    public function testListIteratesCursorPagesLazily(): void
    {
        $t = new FakeTransport(
            FakeTransport::json(200, ['items' => [['execution_id' => 'a'], ['execution_id' => 'b']], 'next_cursor' => 'c1/+=']),
            FakeTransport::json(200, ['items' => [['execution_id' => 'c'], ['execution_id' => 'd']], 'next_cursor' => 'c2']),
            FakeTransport::json(200, ['items' => [['execution_id' => 'e']], 'next_cursor' => null]),
        );
        $gen = self::client($t)->list(['status' => 'completed', 'template_id' => 'tpl 1'], 2);
        $this->assertSame('a', $gen->current()['execution_id']);
        $this->assertCount(1, $t->requests, 'the second page is fetched only when needed');
        $ids = [];
        foreach ($gen as $item) {
            $ids[] = $item['execution_id'];
        }
        $this->assertSame(['a', 'b', 'c', 'd', 'e'], $ids);
        $this->assertCount(3, $t->requests);
        $this->assertSame(self::BASE . '/workflow-management/executions?status=completed&template_id=tpl%201&limit=2',
            $t->requests[0]->url);
        $this->assertStringEndsWith('&limit=2&cursor=c1%2F%2B%3D', $t->requests[1]->url);
        $this->assertStringEndsWith('&limit=2&cursor=c2', $t->requests[2]->url);
    }

    public function testListRejectsLimitAsFilter(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        self::client(new FakeTransport())->list(['limit' => '5'])->current();
    }

    public function testCancelRetryAndTemplates(): void
    {
        $t = new FakeTransport(
            FakeTransport::json(202, ['status' => 'cancelled']),
            FakeTransport::json(202, ['status' => 'cancelled']),
            FakeTransport::json(202, ['status' => 'pending']),
            FakeTransport::json(201, ['template_id' => 'T', 'version' => 1]),
            FakeTransport::json(200, ['template_id' => 'T', 'version' => 1]),
        );
        $c = self::client($t);
        $this->assertSame('cancelled', $c->cancel(self::ID, 'no longer needed')['status']);
        $this->assertSame(self::EXE . self::ID . '/cancel', $t->requests[0]->url);
        $this->assertSame('{"reason":"no longer needed"}', $t->requests[0]->body);
        $c->cancel(self::ID);
        $this->assertNull($t->requests[1]->body);
        $this->assertSame('pending', $c->retry(self::ID)['status']);
        $this->assertSame('POST', $t->requests[2]->method);
        $this->assertSame(self::EXE . self::ID . '/retry', $t->requests[2]->url);
        $this->assertNull($t->requests[2]->body);
        $def = ['name' => 'n', 'steps' => [['id' => 'a', 'type' => 'transform', 'output' => ['v' => 1]]]];
        $this->assertSame(1, $c->createTemplate($def)['version']);
        $this->assertSame(self::BASE . '/workflow-management/templates', $t->requests[3]->url);
        $this->assertSame($def, self::body($t, 3));
        $this->assertSame('T', $c->getTemplate('T')['template_id']);
        $this->assertSame(self::BASE . '/workflow-management/templates/T', $t->requests[4]->url);
    }

    public function testExecuteSendsNotify(): void
    {
        $t = new FakeTransport(FakeTransport::json(202, ['status' => 'pending']));
        self::client($t)->execute('tpl-1', ['a' => 1], 'n-1',
            notify: ['url' => 'https://hooks.example/h?x=1', 'events' => ['completed', 'failed']]);
        $this->assertSame('{"template_id":"tpl-1","input_data":{"a":1},"execution_name":"n-1",'
            . '"notify":{"url":"https://hooks.example/h?x=1","events":["completed","failed"]}}',
            $t->requests[0]->body);
    }

    public function testCreateWebhookSecretPostsAndReturnsTheSecret(): void
    {
        $sec = 'whsec_' . base64_encode(str_repeat("\x01", 32));
        $t = new FakeTransport(FakeTransport::json(201, ['secret' => $sec], ['Cache-Control' => 'no-store']));
        $c = self::client($t);
        $this->assertSame($sec, $c->createWebhookSecret());
        $r = $t->requests[0];
        $this->assertSame('POST', $r->method);
        $this->assertSame(self::BASE . '/workflow-management/webhook-secret', $r->url);
        $this->assertNull($r->body);
        $this->assertArrayNotHasKey('Content-Type', $r->headers);
        $this->assertSame('Bearer tok.en.sig', $r->headers['Authorization']);
        $this->assertSame(201, $c->lastResponse()->status);
        // The secret works as a Webhook key.
        $this->assertInstanceOf(\Wfm\Webhook::class, new \Wfm\Webhook($sec));
    }

    public function testCreateWebhookSecretErrors(): void
    {
        $t = new FakeTransport(FakeTransport::json(201, ['secret' => 'not-a-secret'], ['X-Request-Id' => 'rid-9']),
            FakeTransport::json(201, []),
            FakeTransport::json(503, ['detail' => 'secrets_key_file is not configured']),
            FakeTransport::json(403, ['detail' => 'Missing role workflow:execute']));
        $c = self::client($t);
        try {
            $c->createWebhookSecret();
            $this->fail('accepted a secret without whsec_');
        } catch (WfmException $e) {
            $this->assertNotInstanceOf(ApiException::class, $e);
            $this->assertSame('rid-9', $e->getRequestId());
        }
        try {
            $c->createWebhookSecret();
            $this->fail('accepted an answer without a secret');
        } catch (WfmException $e) {
            $this->assertNotInstanceOf(ApiException::class, $e);
        }
        try {
            $c->createWebhookSecret();
            $this->fail('no 503');
        } catch (ServerException $e) {
            $this->assertSame(503, $e->getStatus());
        }
        $this->expectException(ForbiddenException::class);
        $c->createWebhookSecret();
    }

    public function testNotificationsGetsTheDeliveries(): void
    {
        $doc = ['items' => [['webhook_id' => 'msg_1', 'event' => 'completed', 'status' => 'delivered',
            'attempts' => 1, 'next_try_at' => null,
            'attempt_history' => [['at' => '2026-01-01T00:00:00Z', 'status_code' => 200, 'error' => null]]]]];
        $t = new FakeTransport(FakeTransport::json(200, $doc), FakeTransport::json(404, ['detail' => 'Not found']));
        $c = self::client($t);
        $this->assertSame($doc, $c->notifications('a/b'));
        $this->assertSame('GET', $t->requests[0]->method);
        $this->assertSame(self::EXE . 'a%2Fb/notifications', $t->requests[0]->url);
        $this->assertNull($t->requests[0]->body);
        try {
            $c->notifications(self::ID);
            $this->fail('no 404');
        } catch (NotFoundException $e) {
            $this->assertSame(404, $e->getStatus());
        }
        $this->expectException(\InvalidArgumentException::class);
        $c->notifications('');
    }

    public function testSignalPostsPayloadToTheSignalPath(): void
    {
        $ans = ['execution_id' => self::ID, 'signal' => 'approved.v2', 'consumed_by' => 'approve'];
        $t = new FakeTransport(FakeTransport::json(202, $ans),
            FakeTransport::json(202, ['execution_id' => self::ID, 'signal' => 's', 'consumed_by' => null]),
            FakeTransport::json(409, ['detail' => 'Execution already completed']));
        $c = self::client($t);
        $this->assertSame($ans, $c->signal(self::ID, 'approved.v2', ['by' => 'alice', 'ok' => true]));
        $r = $t->requests[0];
        $this->assertSame('POST', $r->method);
        $this->assertSame(self::EXE . self::ID . '/signals/approved.v2', $r->url);
        $this->assertSame('{"payload":{"by":"alice","ok":true}}', $r->body);
        $this->assertNull($c->signal(self::ID, 's')['consumed_by']);
        $this->assertSame('{"payload":null}', $t->requests[1]->body);
        $this->expectException(ConflictException::class);
        $c->signal(self::ID, 's', 1);
    }

    /** @return array<string, array{string}> */
    public static function badSignalNames(): array
    {
        return ['empty' => [''], 'slash' => ['a/b'], 'space' => ['a b'], 'query' => ['a?x=1'],
            'too long' => [str_repeat('a', 65)], 'non-ascii' => ['é']];
    }

    /** @dataProvider badSignalNames */
    public function testSignalRejectsBadNamesWithoutARequest(string $name): void
    {
        $t = new FakeTransport();
        try {
            self::client($t)->signal(self::ID, $name);
            $this->fail('no exception');
        } catch (\InvalidArgumentException) {
            $this->assertSame([], $t->requests);
        }
    }

    public function testSignalNameOf64IsAccepted(): void
    {
        $t = new FakeTransport(FakeTransport::json(202, ['consumed_by' => null]));
        self::client($t)->signal(self::ID, str_repeat('a', 64));
        $this->assertStringEndsWith('/signals/' . str_repeat('a', 64), $t->requests[0]->url);
    }

    public function testConstructorRejectsBadArguments(): void
    {
        foreach ([['ftp://x/api/v1', 't', []], ['http://x', '', []], ['http://x', "a\nb", []],
            ['http://x', 't', ['timeout' => 0]], ['http://x', 't', ['retries' => 3]]] as [$u, $tok, $o]) {
            try {
                new Client($u, $tok, $o);
                $this->fail("accepted $u");
            } catch (\InvalidArgumentException) {
                $this->addToAssertionCount(1);
            }
        }
    }
}
