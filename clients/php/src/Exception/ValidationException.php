<?php

declare(strict_types=1);

namespace Wfm\Exception;

/**
 * 422: the request failed validation. getErrors() is the "detail" list,
 * each entry {"type", "loc", "msg", "input"} (Pydantic v2 shape).
 */
class ValidationException extends ApiException
{
    /** @return list<array<string, mixed>> */
    public function getErrors(): array
    {
        $d = $this->getDetail();
        return is_array($d) ? array_values(array_filter($d, 'is_array')) : [];
    }
}
