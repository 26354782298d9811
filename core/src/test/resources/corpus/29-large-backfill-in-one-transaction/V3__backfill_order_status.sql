UPDATE orders SET status = upper(status);
