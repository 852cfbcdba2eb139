<?php

declare(strict_types=1);

namespace Wfm\Exception;

/**
 * 409: the state does not allow the request (execution already ended,
 * not retryable), or an execution_name already used with different
 * parameters, in which case getExecutionId() is the existing execution.
 */
class ConflictException extends ApiException
{
    public function getExecutionId(): ?string
    {
        $id = $this->getBody()['execution_id'] ?? null;
        return is_string($id) ? $id : null;
    }
}
