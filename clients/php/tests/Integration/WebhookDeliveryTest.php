<?php

declare(strict_types=1);

namespace Wfm\Tests\Integration;

use PHPUnit\Framework\TestCase;
use Wfm\Client;
use Wfm\Exception\WebhookVerificationException;
use Wfm\Webhook;

/**
 * A webhook from the real service, verified by the client: the secret is
 * made through the API, the execution carries a notify to the loopback
 * receiver that tests/php/run.sh starts (tests/php/receiver.php, which
 * writes each request to WFM_PHP_HOOK_DIR), and Webhook::verify() checks
 * what arrived. WFM_TEST_HOOK_URL is the receiver's URL.
 */
final class WebhookDeliveryTest extends TestCase
{
    private const STEPS = [['id' => 'a', 'type' => 'transform', 'output' => ['v' => '{{ input.v }}']]];

    private static function env(string $name): string
    {
        $v = getenv($name);
        if ($v === false || $v === '') {
            self::fail("$name is not set: run the integration suite with tests/php/run.sh");
        }
        return $v;
    }

    private static function client(string $tokenVar): Client
    {
        return new Client(self::env('WFM_TEST_URL'), self::env($tokenVar), ['timeout' => 10.0]);
    }

    /**
     * The requests the receiver got for $uri, in arrival order, once there
     * are $n of them (or 15 s passed).
     *
     * @return list<array{method: string, uri: string, headers: array<string, string>, body: string}>
     */
    private static function received(string $uri, int $n): array
    {
        $dir = self::env('WFM_PHP_HOOK_DIR');
        $deadline = microtime(true) + 15.0;
        for (;;) {
            $got = [];
            $files = glob("$dir/*.json");
            sort($files);
            foreach ($files as $f) {
                $r = json_decode((string) file_get_contents($f), true, 512, JSON_THROW_ON_ERROR);
                if ($r['uri'] === $uri) {
                    $r['body'] = base64_decode($r['body'], true);
                    $got[] = $r;
                }
            }
            if (count($got) >= $n || microtime(true) >= $deadline) {
                return $got;
            }
            usleep(100000);
        }
    }

    /**
     * Runs one execution of a fresh template of the token's user with a
     * notify on "completed" to the receiver; answers the execution id and
     * the one request that arrived for it.
     *
     * @return array{string, array{method: string, uri: string, headers: array<string, string>, body: string}}
     */
    private function deliver(Client $c, string $tag): array
    {
        $run = $tag . '-' . bin2hex(random_bytes(4));
        $tid = $c->createTemplate(['name' => "php-wh-$run", 'steps' => self::STEPS])['template_id'];
        $uri = "/hook?k=$run";
        $e = $c->execute($tid, ['v' => 7], null, null, false,
            ['url' => self::env('WFM_TEST_HOOK_URL') . "?k=$run", 'events' => ['completed']]);
        $id = $e['execution_id'];
        $this->assertSame('completed', $c->wait($id, 30)['status']);
        $got = self::received($uri, 1);
        $this->assertCount(1, $got, "one delivery to $uri");
        $this->assertSame('POST', $got[0]['method']);
        $this->assertStringStartsWith('application/json', $got[0]['headers']['content-type']);
        return [$id, $got[0]];
    }

    public function testDeliveryVerifiesWithTheSecretMadeThroughTheApi(): void
    {
        $c = self::client('WFM_TEST_TOKEN');
        $secret = $c->createWebhookSecret();
        $this->assertSame(201, $c->lastResponse()->status);
        $this->assertMatchesRegularExpression('#^whsec_[A-Za-z0-9+/]{43}=$#', $secret);
        [$id, $req] = $this->deliver($c, 'one');
        $h = $req['headers'];
        $this->assertStringStartsWith('msg_', $h['webhook-id']);
        $this->assertMatchesRegularExpression('/^[0-9]{10}$/', $h['webhook-timestamp']);
        $this->assertEqualsWithDelta(time(), (int) $h['webhook-timestamp'], 60);
        // No rotation: one signature.
        $this->assertMatchesRegularExpression('#^v1,[A-Za-z0-9+/]{43}=$#', $h['webhook-signature']);

        $event = (new Webhook($secret))->verify($req['body'], $h);
        $this->assertSame('execution.completed', $event['type']);
        $this->assertSame($id, $event['data']['execution_id']);
        $this->assertSame('completed', $event['data']['status']);
        $this->assertSame(['v' => 7], $event['data']['input_data']);
        $this->assertArrayNotHasKey('output', $event['data']['steps'][0]);

        // The same headers in $_SERVER form verify too.
        $server = [];
        foreach ($h as $k => $v) {
            $server['HTTP_' . strtoupper(str_replace('-', '_', $k))] = $v;
        }
        $this->assertSame($event, (new Webhook($secret))->verify($req['body'], $server));

        // One changed byte of the body, or another secret: refused.
        $tampered = str_replace('"completed"', '"failed"', $req['body']);
        $this->assertNotSame($req['body'], $tampered);
        foreach ([[$secret, $tampered], ['whsec_' . base64_encode(random_bytes(32)), $req['body']]] as [$s, $b]) {
            try {
                (new Webhook($s))->verify($b, $h);
                $this->fail('a tampered delivery verified');
            } catch (WebhookVerificationException $x) {
                $this->assertSame('no matching signature', $x->getMessage());
            }
        }

        // The delivery log names the same webhook-id, delivered at once.
        $n = $c->notifications($id);
        $this->assertCount(1, $n['items']);
        $d = $n['items'][0];
        $this->assertSame('delivered', $d['status']);
        $this->assertSame('completed', $d['event']);
        $this->assertSame($h['webhook-id'], $d['webhook_id']);
        $this->assertSame(1, $d['attempts']);
        $this->assertNull($d['next_try_at']);
        $this->assertSame(204, $d['attempt_history'][0]['status_code']);
    }

    public function testAfterARotationBothSecretsVerify(): void
    {
        // bob: a user of his own, so that no other test's secret counts.
        $c = self::client('WFM_TEST_TOKEN_BOB');
        $old = $c->createWebhookSecret();
        $new = $c->createWebhookSecret();
        $this->assertNotSame($old, $new);
        [$id, $req] = $this->deliver($c, 'rot');
        $sigs = explode(' ', $req['headers']['webhook-signature']);
        $this->assertCount(2, $sigs);
        $this->assertNotSame($sigs[0], $sigs[1]);
        foreach ([$old, $new] as $s) {
            $event = (new Webhook($s))->verify($req['body'], $req['headers']);
            $this->assertSame('execution.completed', $event['type']);
            $this->assertSame($id, $event['data']['execution_id']);
        }
        // Each secret signed one of the two.
        $wh = $req['headers'];
        $mine = [(new Webhook($old))->sign($wh['webhook-id'], (int) $wh['webhook-timestamp'], $req['body']),
            (new Webhook($new))->sign($wh['webhook-id'], (int) $wh['webhook-timestamp'], $req['body'])];
        sort($mine);
        sort($sigs);
        $this->assertSame($mine, $sigs);
        $this->expectException(WebhookVerificationException::class);
        (new Webhook('whsec_' . base64_encode(random_bytes(32))))->verify($req['body'], $req['headers']);
    }
}
