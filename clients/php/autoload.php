<?php

declare(strict_types=1);

/*
 * PSR-4 autoloader for use without Composer: require this file, then use
 * the Wfm\ classes. With Composer, composer.json maps the same namespace.
 */
spl_autoload_register(static function (string $class): void {
    $prefix = 'Wfm\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
