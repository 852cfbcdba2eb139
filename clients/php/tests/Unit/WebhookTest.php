<?php

declare(strict_types=1);

namespace Wfm\Tests\Unit;

use PHPUnit\Framework\TestCase;
use Wfm\Exception\WebhookVerificationException;
use Wfm\Webhook;

final class WebhookTest extends TestCase
{
    /*
     * The published example of the Standard Webhooks reference libraries
     * (standard-webhooks/standard-webhooks, libraries/php/tests/
     * WebhookTest.php testSignFunctionWorks; the same vector is in the
     * other languages' tests).
     */
    private const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    private const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
    private const SPEC_TS = 1614265330;
    private const SPEC_BODY = '{"test": 2432232314}';
    private const SPEC_SIG = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

    private const NOW = 1764000000;
    private const BODY = '{"type":"execution.completed","data":{"execution_id":"3f1c","status":"completed"}}';

    private string $key;
    private string $secret;

    protected function setUp(): void
    {
        $this->key = random_bytes(32);
        $this->secret = 'whsec_' . base64_encode($this->key);
    }

    /** Computed here, independently of Webhook::sign(). */
    private static function hmac(string $key, string $id, int|string $ts, string $body): string
    {
        return 'v1,' . base64_encode(hash_hmac('sha256', $id . '.' . $ts . '.' . $body, $key, true));
    }

    /** @return array<string, string> */
    private function headers(string $sig, int|string $ts = self::NOW, string $id = 'msg_1'): array
    {
        return ['webhook-id' => $id, 'webhook-timestamp' => (string) $ts, 'webhook-signature' => $sig];
    }

    private function assertRejected(string $why, string $body, array $headers, ?Webhook $wh = null): void
    {
        try {
            ($wh ?? new Webhook($this->secret))->verify($body, $headers, self::NOW);
            $this->fail("accepted: $why");
        } catch (WebhookVerificationException $e) {
            $this->assertNull($e->getRequestId());
            $this->addToAssertionCount(1);
        }
    }

    public function testSpecExampleSignature(): void
    {
        $wh = new Webhook(self::SPEC_SECRET);
        $this->assertSame(self::SPEC_SIG, $wh->sign(self::SPEC_ID, self::SPEC_TS, self::SPEC_BODY));
        $this->assertSame(['test' => 2432232314], $wh->verify(self::SPEC_BODY,
            $this->headers(self::SPEC_SIG, self::SPEC_TS, self::SPEC_ID), self::SPEC_TS));
        $this->assertSame(self::SPEC_SIG, self::hmac(base64_decode('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
            self::SPEC_ID, self::SPEC_TS, self::SPEC_BODY));
    }

    public function testSecretPrefixIsOptional(): void
    {
        $wh = new Webhook(substr(self::SPEC_SECRET, 6));
        $this->assertSame(self::SPEC_SIG, $wh->sign(self::SPEC_ID, self::SPEC_TS, self::SPEC_BODY));
    }

    public function testIndependentlyComputedSignatureVerifies(): void
    {
        $sig = self::hmac($this->key, 'msg_1', self::NOW, self::BODY);
        $doc = (new Webhook($this->secret))->verify(self::BODY, $this->headers($sig), self::NOW);
        $this->assertSame('completed', $doc['data']['status']);
    }

    public function testTamperingIsRejected(): void
    {
        $sig = self::hmac($this->key, 'msg_1', self::NOW, self::BODY);
        $this->assertRejected('body', self::BODY . ' ', $this->headers($sig));
        $this->assertRejected('id', self::BODY, $this->headers($sig, self::NOW, 'msg_2'));
        $this->assertRejected('timestamp', self::BODY, $this->headers($sig, self::NOW + 1));
        $this->assertRejected('other secret', self::BODY, $this->headers($sig),
            new Webhook('whsec_' . base64_encode(random_bytes(32))));
        $this->assertRejected('garbage', self::BODY, $this->headers('v1,dawfeoifkpqwoekfpqoekf'));
        $this->assertRejected('empty', self::BODY, $this->headers(''));
        $this->assertRejected('hex instead of base64', self::BODY,
            $this->headers('v1,' . hash_hmac('sha256', 'msg_1.' . self::NOW . '.' . self::BODY, $this->key)));
        $this->assertRejected('v1a scheme', self::BODY, $this->headers('v1a,' . substr($sig, 3)));
        $this->assertRejected('v2 scheme', self::BODY, $this->headers('v2,' . substr($sig, 3)));
        $this->assertRejected('no version', self::BODY, $this->headers(substr($sig, 3)));
    }

    public function testTimestampTolerance(): void
    {
        foreach ([-300, 300] as $off) {
            $ts = self::NOW + $off;
            $sig = self::hmac($this->key, 'msg_1', $ts, self::BODY);
            $this->assertIsArray((new Webhook($this->secret))->verify(self::BODY, $this->headers($sig, $ts), self::NOW));
        }
        foreach ([-301, 301] as $off) {
            $ts = self::NOW + $off;
            $this->assertRejected("off by $off", self::BODY,
                $this->headers(self::hmac($this->key, 'msg_1', $ts, self::BODY), $ts));
        }
        $ts = self::NOW - 3000;
        $sig = self::hmac($this->key, 'msg_1', $ts, self::BODY);
        $this->assertIsArray((new Webhook($this->secret, 3600))->verify(self::BODY, $this->headers($sig, $ts), self::NOW));
    }

    public function testDefaultNowIsTheClock(): void
    {
        $ts = time();
        $sig = self::hmac($this->key, 'msg_1', $ts, self::BODY);
        $this->assertIsArray((new Webhook($this->secret))->verify(self::BODY, $this->headers($sig, $ts)));
        $this->expectException(WebhookVerificationException::class);
        $old = $ts - 400;
        (new Webhook($this->secret))->verify(self::BODY,
            $this->headers(self::hmac($this->key, 'msg_1', $old, self::BODY), $old));
    }

    public function testMalformedTimestampsAreRejected(): void
    {
        foreach (['', '-1', '1764000000.0', ' 1764000000x', '0x1A', '1e9', '99999999999999'] as $ts) {
            $this->assertRejected("timestamp '$ts'", self::BODY,
                $this->headers(self::hmac($this->key, 'msg_1', $ts, self::BODY), $ts));
        }
    }

    public function testMissingHeadersAreRejected(): void
    {
        $h = $this->headers(self::hmac($this->key, 'msg_1', self::NOW, self::BODY));
        foreach (array_keys($h) as $k) {
            $less = $h;
            unset($less[$k]);
            $this->assertRejected("without $k", self::BODY, $less);
        }
    }

    public function testRotationAnyMatchingSignatureOfSeveral(): void
    {
        $oldKey = random_bytes(32);
        $sigNew = self::hmac($this->key, 'msg_1', self::NOW, self::BODY);
        $sigOld = self::hmac($oldKey, 'msg_1', self::NOW, self::BODY);
        $header = "v1a,AAAA v2,{$this->b64($sigNew)} $sigOld $sigNew";
        $this->assertIsArray((new Webhook($this->secret))->verify(self::BODY, $this->headers($header), self::NOW));
        // The receiver that still has the old secret accepts it too.
        $this->assertIsArray((new Webhook('whsec_' . base64_encode($oldKey)))->verify(self::BODY,
            $this->headers($header), self::NOW));
        $this->assertRejected('neither', self::BODY, $this->headers($sigOld . ' v1,AAAA'));
    }

    private function b64(string $sig): string
    {
        return substr($sig, 3);
    }

    public function testHeaderSpellings(): void
    {
        $sig = self::hmac($this->key, 'msg_1', self::NOW, self::BODY);
        $wh = new Webhook($this->secret);
        $this->assertIsArray($wh->verify(self::BODY,
            ['Webhook-Id' => 'msg_1', 'WEBHOOK-TIMESTAMP' => (string) self::NOW, 'Webhook-Signature' => $sig], self::NOW));
        $this->assertIsArray($wh->verify(self::BODY, ['HTTP_WEBHOOK_ID' => 'msg_1',
            'HTTP_WEBHOOK_TIMESTAMP' => (string) self::NOW, 'HTTP_WEBHOOK_SIGNATURE' => $sig, 'REQUEST_METHOD' => 'POST'],
            self::NOW), '$_SERVER');
        $this->assertIsArray($wh->verify(self::BODY, ['webhook-id' => ['msg_1'],
            'webhook-timestamp' => [(string) self::NOW], 'webhook-signature' => ['v1,AAAA', $sig]], self::NOW), 'PSR-7');
    }

    public function testSignedBodyMustBeJson(): void
    {
        $sig = self::hmac($this->key, 'msg_1', self::NOW, 'not json');
        $this->assertRejected('not json', 'not json', $this->headers($sig));
    }

    public function testBadSecretsAreRefused(): void
    {
        foreach (['', 'whsec_', 'whsec_not base64!', 'whsec_%%%%'] as $s) {
            try {
                new Webhook($s);
                $this->fail("accepted secret '$s'");
            } catch (\InvalidArgumentException) {
                $this->addToAssertionCount(1);
            }
        }
    }
}
