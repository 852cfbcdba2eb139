<?php

/*
 * The webhook receiver of the PHP integration suite, run by tests/php/run.sh
 * as `php -S 127.0.0.1:PORT receiver.php`: every request is answered 204
 * and written to $WFM_PHP_HOOK_DIR as one JSON file (method, uri, headers
 * with lower-case names, the raw body in base64 so that its bytes are kept
 * exactly), named so that a listing sorts in arrival order. The file is
 * written under a temporary name and renamed, so a reader never sees half.
 */

declare(strict_types=1);

$dir = getenv('WFM_PHP_HOOK_DIR');
if ($dir === false || $dir === '' || !is_dir($dir)) {
    http_response_code(500);
    return true;
}
$headers = [];
foreach (getallheaders() as $k => $v) {
    $headers[strtolower($k)] = $v;
}
$rec = json_encode([
    'method' => $_SERVER['REQUEST_METHOD'],
    'uri' => $_SERVER['REQUEST_URI'],
    'headers' => $headers,
    'body' => base64_encode((string) file_get_contents('php://input')),
], JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES);
$name = sprintf('%s/%.6f-%s', $dir, microtime(true), bin2hex(random_bytes(4)));
if (file_put_contents("$name.tmp", $rec) === false || !rename("$name.tmp", "$name.json")) {
    http_response_code(500);
    return true;
}
http_response_code(204);
return true;
